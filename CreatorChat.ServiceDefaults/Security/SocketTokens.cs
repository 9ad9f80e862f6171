using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CreatorChat.ServiceDefaults.Security;

/// <summary>
/// How a chat WebSocket carries a user's token, for the gateway that filters the socket and chat that serves it:
/// on the upgrade (the Authorization header, or the <c>access_token</c> query parameter browsers must use), or
/// in a first frame <c>{"type":"auth","access_token":…}</c>. Only a user's access token counts.
/// </summary>
public static class SocketTokens
{
    /// <summary>The token's name, both as the upgrade's query parameter and as the auth frame's property.</summary>
    public const string TokenName = "access_token";

    public const string AuthFrameType = "auth";

    /// <summary>The token of a WebSocket upgrade's query string (browsers cannot set headers there), else null.</summary>
    public static string? FromQuery(HttpContext context) =>
        context.WebSockets.IsWebSocketRequest && context.Request.Query.TryGetValue(TokenName, out var token) ? token.ToString() : null;

    /// <summary>Whether the request offers a token at all: then it must be valid, never silently anonymous.</summary>
    public static bool IsOffered(HttpRequest request) =>
        request.Headers.Authorization.Count > 0 || FromQuery(request.HttpContext) is not null;

    /// <summary>The <c>access_token</c> string of an auth frame's JSON object, else null.</summary>
    public static string? FromAuthFrame(JsonElement frame) =>
        frame.ValueKind == JsonValueKind.Object && frame.TryGetProperty(TokenName, out var token) && token.ValueKind == JsonValueKind.String
            ? token.GetString()
            : null;

    /// <summary>
    /// The user a token sent in an auth frame stands for: signature, issuer and lifetime by the service's own bearer
    /// settings, and it must be a user's access token (not a service token, not a refresh token). Null when it is not.
    /// </summary>
    public static async Task<ClaimsPrincipal?> ValidateUserTokenAsync(string? token, TokenValidationParameters parameters)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        var result = await new JsonWebTokenHandler { MapInboundClaims = false }.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            return null;
        }

        var user = new ClaimsPrincipal(result.ClaimsIdentity);
        return user.HasClaim("aud", PlatformClaims.UserAudience) && user.GetUserId() is not null ? user : null;
    }
}
