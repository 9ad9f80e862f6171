using CreatorChat.Cli.Api;
using CreatorChat.Cli.Config;
using CreatorChat.Cli.Rendering;

namespace CreatorChat.Cli.Commands;

/// <summary>
/// One invocation's surroundings: output, environment, the stored session and which gateway to talk
/// to (<c>--url</c>, else <c>CREATORCHAT_URL</c>, else where <c>login</c> signed in, else the local run).
/// </summary>
public sealed class CliContext(Output output, CliEnvironment environment)
{
    public static readonly Uri DefaultUrl = new("http://127.0.0.1:5300/");

    public Output Output => output;

    public CliEnvironment Environment => environment;

    public SessionStore Store { get; } = new(ConfigPaths.Credentials(environment));

    /// <summary>The gateway this invocation talks to, once known (for error messages).</summary>
    public Uri? GatewayUrl { get; private set; }

    public async Task<Uri> ResolveUrlAsync(string? option, CancellationToken cancellationToken)
    {
        var text = option ?? environment.Variable("CREATORCHAT_URL") ?? (await Store.ReadAsync(cancellationToken))?.Url;
        GatewayUrl = text is null ? DefaultUrl : ParseUrl(text);
        return GatewayUrl;
    }

    /// <summary>A client for the gateway, signed in with <c>CREATORCHAT_TOKEN</c> or the stored session for that gateway.</summary>
    public async Task<CreatorChatClient> ClientAsync(string? urlOption, CancellationToken cancellationToken)
    {
        var url = await ResolveUrlAsync(urlOption, cancellationToken);
        Credentials credentials;
        if (environment.Variable("CREATORCHAT_TOKEN") is { } token)
        {
            credentials = Credentials.FromToken(token.Trim());
        }
        else
        {
            var session = await Store.ReadAsync(cancellationToken);
            credentials = session is not null && SameGateway(session.Url, url) ? Credentials.FromStore(session, Store) : Credentials.None;
        }

        return new CreatorChatClient(url, credentials, environment.Time);
    }

    public static Uri ParseUrl(string text)
    {
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Host.Length == 0)
        {
            throw new UsageException($"'{text}' is not a gateway URL; expected something like {DefaultUrl}.");
        }

        // Relative API paths must resolve under the gateway's base path.
        return url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
    }

    private static bool SameGateway(string stored, Uri url) =>
        Uri.TryCreate(stored, UriKind.Absolute, out var s) && Uri.Compare(s, url, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
}
