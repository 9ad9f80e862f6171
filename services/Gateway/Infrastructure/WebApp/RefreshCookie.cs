using CreatorChat.Gateway.Infrastructure.Identity;
using CreatorChat.Gateway.Model;

namespace CreatorChat.Gateway.Infrastructure.WebApp;

/// <summary>
/// The web app's refresh token, kept out of reach of scripts: an HttpOnly, Secure, SameSite=Strict
/// cookie scoped to the auth routes (refresh and logout read it), issued only when the caller asks
/// with <see cref="Header"/>. A cookie-based refresh is honoured only with that header (a cross-site
/// form cannot send it and CORS does not allow it) and, when the browser sends one, a same-origin
/// <c>Origin</c>: a double guard against cross-site request forgery. API clients keep sending the
/// refresh token in the body and never see the cookie.
/// </summary>
public static class RefreshCookie
{
    public const string Name = "cc_refresh";
    public const string Path = "/api/v1/auth";
    public const string Header = "X-Refresh-Cookie";

    public static bool IsRequested(HttpContext context) => context.Request.Headers.ContainsKey(Header);

    /// <summary>The refresh token from the body, else from the cookie — the latter only for a same-origin web app request.</summary>
    public static (string? Token, bool FromCookie, bool Forged) Read(HttpContext context, string? bodyToken)
    {
        if (!string.IsNullOrWhiteSpace(bodyToken))
        {
            return (bodyToken, false, false);
        }

        if (!context.Request.Cookies.TryGetValue(Name, out var cookie) || string.IsNullOrWhiteSpace(cookie))
        {
            return (null, false, false);
        }

        return IsRequested(context) && IsSameOrigin(context) ? (cookie, true, false) : (null, true, true);
    }

    /// <summary>For the web app: the refresh token goes into the cookie and out of the response body.</summary>
    public static TokenResponse Issue(HttpContext context, TokenResponse tokens)
    {
        if (!IsRequested(context) || tokens.RefreshToken is null)
        {
            return tokens;
        }

        context.Response.Cookies.Append(Name, tokens.RefreshToken, Options(context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow() + RefreshTokenStore.Lifetime));
        context.Response.Headers.CacheControl = "no-store";
        return tokens with { RefreshToken = null };
    }

    public static void Clear(HttpContext context) => context.Response.Cookies.Delete(Name, Options(null));

    private static CookieOptions Options(DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        Secure = true,
        SameSite = SameSiteMode.Strict,
        Path = Path,
        Expires = expires,
        IsEssential = true,
    };

    private static bool IsSameOrigin(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(origin))
        {
            // Browsers send Origin on every fetch POST; without one, only Sec-Fetch-Site can speak against it.
            var site = context.Request.Headers["Sec-Fetch-Site"].ToString();
            return site is "" or "same-origin" or "none";
        }

        return Uri.TryCreate(origin, UriKind.Absolute, out var uri) &&
            string.Equals(uri.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
