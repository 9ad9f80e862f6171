using System.Net;
using System.Net.Sockets;
using CreatorChat.Cli.Api;

namespace CreatorChat.Cli.Rendering;

/// <summary>Any failure as the one line on stderr and the exit code scripts rely on. Never a stack trace.</summary>
public sealed record ErrorReport(int ExitCode, string Message)
{
    public static ErrorReport From(Exception exception, Uri? gateway) => exception switch
    {
        UsageException e => new(ExitCodes.Usage, e.Message),
        NotSignedInException e => new(ExitCodes.NotSignedIn, e.Message),
        ApiException { Status: HttpStatusCode.TooManyRequests } e => new(ExitCodes.RateLimited, RateLimited(e)),
        ApiException { Status: HttpStatusCode.Unauthorized } e => new(ExitCodes.NotSignedIn, e.Message),
        ApiException { Status: HttpStatusCode.Forbidden } e => new(ExitCodes.NotSignedIn, $"Not allowed: {e.Message}"),
        ApiException e => new(ExitCodes.Failure, e.Message),
        NotAGatewayException e => new(ExitCodes.Failure, e.Message),
        CliFailureException e => new(ExitCodes.Failure, e.Message),
        HttpRequestException e => new(ExitCodes.Failure, Unreachable(e, gateway)),
        TimeoutException e => new(ExitCodes.Failure, e.Message),
        OperationCanceledException => new(ExitCodes.Failure, "Cancelled."),
        IOException or UnauthorizedAccessException => new(ExitCodes.Failure, exception.Message),
        _ => new(ExitCodes.Failure, $"Unexpected error: {exception.Message}"),
    };

    public static string RetryText(TimeSpan? after) => after switch
    {
        null => "try again later",
        { TotalSeconds: < 1 } => "try again now",
        { TotalMinutes: < 2 } a => $"try again in {Math.Ceiling(a.TotalSeconds):0} s",
        { TotalHours: < 2 } a => $"try again in {Math.Ceiling(a.TotalMinutes):0} min",
        var a => $"try again in {a.Value.TotalHours:0.#} h",
    };

    private static string RateLimited(ApiException e) => $"Rate limited: {e.Message.TrimEnd('.')}; {RetryText(e.RetryAfter)}.";

    private static string Unreachable(HttpRequestException e, Uri? gateway)
    {
        var where = gateway is null ? "the gateway" : gateway.ToString();
        var reason = e.InnerException switch
        {
            SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused (is it running?)",
            SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain } => "unknown host",
            SocketException s => s.Message,
            System.Security.Authentication.AuthenticationException => "TLS handshake failed",
            _ when e.HttpRequestError == HttpRequestError.NameResolutionError => "unknown host",
            _ when e.HttpRequestError == HttpRequestError.ResponseEnded => "the connection closed before an answer",
            _ => e.Message,
        };
        return $"Cannot reach CreatorChat at {where}: {reason}.";
    }
}
