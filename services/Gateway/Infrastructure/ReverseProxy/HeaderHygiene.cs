using CreatorChat.ServiceDefaults.Model;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace CreatorChat.Gateway.Infrastructure.ReverseProxy;

/// <summary>
/// What every forwarded request carries and what it never carries, as YARP transforms: no hop-by-hop
/// header (nor one the client named in <c>Connection</c>), no header that merely claims an identity
/// (identity travels only in the signed bearer token), <c>X-Forwarded-For</c> appended,
/// <c>X-Forwarded-Proto</c>/<c>-Host</c> set by the gateway, the request id, and a chat turn's <see cref="TurnIds"/>.
/// </summary>
public static class HeaderHygiene
{
    // RFC 9110 §7.6.1 connection-specific fields YARP may not already drop, plus RFC 7239's Forwarded (set by proxies, not clients).
    private static readonly string[] HopByHop =
        [HeaderNames.Connection, HeaderNames.KeepAlive, "Proxy-Connection", HeaderNames.TE, HeaderNames.Trailer,
         HeaderNames.Upgrade, HeaderNames.ProxyAuthenticate, "Proxy-Authorization", "Forwarded", "X-Forwarded-Prefix"];

    public static void Apply(TransformBuilderContext context)
    {
        context.UseDefaultForwarders = false;
        context.AddXForwardedFor(action: ForwardedTransformActions.Append);
        context.AddXForwardedProto(action: ForwardedTransformActions.Set);
        context.AddXForwardedHost(action: ForwardedTransformActions.Set);
        context.AddRequestTransform(transform =>
        {
            var headers = transform.ProxyRequest.Headers;
            foreach (var name in transform.HttpContext.Request.Headers.Connection
                         .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
            {
                Remove(transform, name);
            }

            foreach (var name in HopByHop)
            {
                Remove(transform, name);
            }

            foreach (var name in transform.HttpContext.Request.Headers.Keys.Where(LooksLikeIdentity))
            {
                Remove(transform, name);
            }

            Remove(transform, "X-Request-Id");
            headers.TryAddWithoutValidation("X-Request-Id", transform.HttpContext.TraceIdentifier);
            if (TurnIds.Of(transform.HttpContext) is { } turnId)
            {
                headers.TryAddWithoutValidation(TurnIdHeader.Name, turnId);
            }

            return ValueTask.CompletedTask;
        });

        // The gateway already answers with its request id; the service's copy of it must not make a second value.
        context.AddResponseTransform(transform =>
        {
            transform.HttpContext.Response.Headers["X-Request-Id"] = transform.HttpContext.TraceIdentifier;
            return ValueTask.CompletedTask;
        });
    }

    // Remove throws for a name of the other kind (Content-Type on request headers…): look before removing.
    private static void Remove(RequestTransformContext transform, string name)
    {
        if (transform.ProxyRequest.Headers.NonValidated.Contains(name))
        {
            transform.ProxyRequest.Headers.Remove(name);
        }

        if (transform.ProxyRequest.Content is { } content && content.Headers.NonValidated.Contains(name))
        {
            content.Headers.Remove(name);
        }
    }

    // Identity travels only in the signed bearer token; headers that merely claim one never pass.
    private static bool LooksLikeIdentity(string name) =>
        name.StartsWith("X-CreatorChat-", StringComparison.OrdinalIgnoreCase) ||
        name.StartsWith("X-User", StringComparison.OrdinalIgnoreCase) ||
        name.StartsWith("X-Auth", StringComparison.OrdinalIgnoreCase) ||
        name.StartsWith("X-Forwarded-User", StringComparison.OrdinalIgnoreCase) ||
        name.StartsWith("X-Remote-User", StringComparison.OrdinalIgnoreCase);
}
