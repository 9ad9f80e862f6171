using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using Polly.Timeout;
using CreatorChat.ServiceDefaults.Resilience;

namespace CreatorChat.Gateway.Infrastructure.ReverseProxy;

/// <summary>
/// Forwards one request to a downstream service and streams the answer back as it arrives (no
/// buffering either way, so server-sent events reach the client token by token).
/// </summary>
public sealed class HttpForwarder(IHttpClientFactory clients, ProxyMetrics metrics, ILogger<HttpForwarder> logger)
{
    private const int BufferSize = 16 * 1024;

    // RFC 9110 §7.6.1 connection-specific fields, plus what the gateway sets itself.
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.Connection, HeaderNames.KeepAlive, "Proxy-Connection", HeaderNames.TE, HeaderNames.Trailer,
        HeaderNames.TransferEncoding, HeaderNames.Upgrade, HeaderNames.ProxyAuthenticate, "Proxy-Authorization",
        HeaderNames.Host, "X-Request-Id", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host",
    };

    public async Task ForwardAsync(HttpContext context, string service)
    {
        var started = Stopwatch.GetTimestamp();
        var status = 0;
        using var forward = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var body = HasBody(context.Request) ? new ClientBodyStream(context.Request.Body, forward) : null;
        try
        {
            using var request = CreateRequest(context, service, body);
            using var response = await clients.CreateClient(service)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, forward.Token);
            status = (int)response.StatusCode;
            await CopyResponseAsync(context, response);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            status = 499; // the client went away; nothing to answer
        }
        catch (Exception ex) when ((body?.Fault ?? ex) is var cause && FindBadRequest(cause) is { } bad)
        {
            // The client's own body broke the forward (too large, cut off): its fault, not the service's.
            status = bad.StatusCode;
            if (!context.Response.HasStarted)
            {
                await TypedResults.Problem(statusCode: status, detail: status switch
                {
                    StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
                    StatusCodes.Status408RequestTimeout => "The request body did not arrive in time.",
                    _ => "The request body could not be read (shorter than its Content-Length, or an invalid chunk).",
                }).ExecuteAsync(context);
            }
        }
        catch (Exception) when (body?.Fault is IOException)
        {
            status = 499; // the client's connection broke while it was sending
        }
        catch (Exception ex) when (ServiceUnavailable.Is(ex))
        {
            status = ex is TimeoutRejectedException ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status503ServiceUnavailable;
            logger.LogWarning("Forwarding {Method} {Path} to {Service} failed: {Reason}",
                context.Request.Method, context.Request.Path.Value, service, ex.GetType().Name + ": " + ex.Message);
            await WriteUnavailableAsync(context, service, status);
        }
        finally
        {
            metrics.Record(service, context.Request.Method, status, Stopwatch.GetElapsedTime(started));
        }
    }

    private static BadHttpRequestException? FindBadRequest(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is BadHttpRequestException bad)
            {
                return bad;
            }
        }

        return null;
    }

    private static HttpRequestMessage CreateRequest(HttpContext context, string service, ClientBodyStream? body)
    {
        var incoming = context.Request;
        var target = new Uri($"http://{service}{incoming.Path.ToUriComponent()}{incoming.QueryString.ToUriComponent()}");
        var request = new HttpRequestMessage(new HttpMethod(incoming.Method), target)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };

        if (body is not null)
        {
            request.Content = new StreamContent(body, BufferSize);
        }

        var connectionTokens = ConnectionTokens(incoming.Headers.Connection);
        foreach (var (name, values) in incoming.Headers)
        {
            if (HopByHop.Contains(name) || connectionTokens.Contains(name) || LooksLikeIdentity(name))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        var remote = context.Connection.RemoteIpAddress?.ToString();
        var forwardedFor = incoming.Headers["X-Forwarded-For"].ToString();
        if (remote is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", string.IsNullOrEmpty(forwardedFor) ? remote : $"{forwardedFor}, {remote}");
        }

        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", incoming.Scheme);
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", incoming.Host.Value);
        request.Headers.TryAddWithoutValidation("X-Request-Id", context.TraceIdentifier);
        return request;
    }

    private static async Task CopyResponseAsync(HttpContext context, HttpResponseMessage response)
    {
        context.Response.StatusCode = (int)response.StatusCode;
        var connectionTokens = ConnectionTokens(response.Headers.Connection);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(name) && !connectionTokens.Contains(name))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
        var buffer = new byte[BufferSize];
        int read;
        while ((read = await body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    private static async Task WriteUnavailableAsync(HttpContext context, string service, int status)
    {
        if (context.Response.HasStarted)
        {
            context.Abort(); // mid-stream failure: the client must see a broken response, not a truncated "success"
            return;
        }

        context.Response.Clear();
        context.Response.Headers.RetryAfter = "5";
        var problem = TypedResults.Problem(
            statusCode: status,
            title: status == StatusCodes.Status504GatewayTimeout ? "Upstream timeout" : "Service unavailable",
            detail: $"The {service} service is not answering right now. Please try again shortly.");
        await problem.ExecuteAsync(context);
    }

    // Identity travels only in the signed bearer token; headers that merely claim one never pass.
    private static bool LooksLikeIdentity(string name) =>
        name.StartsWith("X-CreatorChat-", StringComparison.OrdinalIgnoreCase) ||
        name.StartsWith("X-User", StringComparison.OrdinalIgnoreCase) ||
        name.StartsWith("X-Auth", StringComparison.OrdinalIgnoreCase) ||
        name.StartsWith("X-Forwarded-User", StringComparison.OrdinalIgnoreCase) ||
        name.StartsWith("X-Remote-User", StringComparison.OrdinalIgnoreCase);

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.ContainsKey(HeaderNames.TransferEncoding));

    private static HashSet<string> ConnectionTokens(IEnumerable<string?> connection) =>
        new(connection.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)),
            StringComparer.OrdinalIgnoreCase);
}
