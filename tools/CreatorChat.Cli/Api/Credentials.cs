using CreatorChat.Cli.Config;

namespace CreatorChat.Cli.Api;

/// <summary>
/// The access token the client sends: <c>CREATORCHAT_TOKEN</c> as given (never refreshed, never
/// stored), or the stored session for this gateway, refreshed (and re-stored) when it expires.
/// </summary>
public sealed class Credentials
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromSeconds(30);
    private readonly SessionStore? _store;
    private StoredSession? _session;

    private Credentials(string? fixedToken, StoredSession? session, SessionStore? store)
    {
        FixedToken = fixedToken;
        _session = session;
        _store = store;
    }

    public string? FixedToken { get; }

    public StoredSession? Session => _session;

    public bool HasToken => FixedToken is not null || _session is not null;

    public static Credentials None => new(null, null, null);

    public static Credentials FromToken(string token) => new(token, null, null);

    public static Credentials FromStore(StoredSession? session, SessionStore store) => new(null, session, store);

    public bool NeedsRefresh(DateTimeOffset now) => FixedToken is null && _session is { } s && s.ExpiresAt - RefreshMargin <= now;

    public bool CanRefresh => FixedToken is null && _session is not null;

    public string? AccessToken => FixedToken ?? _session?.AccessToken;

    public async Task UpdateAsync(TokenPair pair, DateTimeOffset now, CancellationToken cancellationToken)
    {
        _session = _session! with
        {
            AccessToken = pair.AccessToken,
            RefreshToken = pair.RefreshToken,
            ExpiresAt = now.AddSeconds(pair.ExpiresIn),
        };
        if (_store is not null)
        {
            await _store.WriteAsync(_session, cancellationToken);
        }
    }
}
