using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace CreatorChat.Cli.Api;

/// <summary>
/// The public API (<c>/api/v1</c>) as typed calls. Every call that needs a user sends the access
/// token, refreshes it once on expiry or 401, and turns any error answer into an <see cref="ApiException"/>.
/// </summary>
public sealed class CreatorChatClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Credentials _credentials;
    private readonly TimeProvider _time;

    public CreatorChatClient(Uri baseUrl, Credentials credentials, TimeProvider time)
    {
        BaseUrl = baseUrl;
        _credentials = credentials;
        _time = time;
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) })
        {
            BaseAddress = baseUrl,
            // Streams and long polls are bounded by cancellation; plain calls by RequestTimeout below.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("creatorchat-cli", typeof(CreatorChatClient).Assembly.GetName().Version?.ToString(3)));
    }

    public static TimeSpan RequestTimeout { get; } = TimeSpan.FromSeconds(60);

    public Uri BaseUrl { get; }

    public Credentials Credentials => _credentials;

    // Accounts
    public Task<TokenPair> LoginAsync(string email, string password, CancellationToken cancellationToken) =>
        SendAsync<TokenPair>(HttpMethod.Post, "api/v1/auth/login", new { email, password }, authenticated: false, cancellationToken);

    public async Task LogoutAsync(string refreshToken, CancellationToken cancellationToken) =>
        await SendAsync<JsonElement?>(HttpMethod.Post, "api/v1/auth/logout", new { refresh_token = refreshToken }, authenticated: true, cancellationToken);

    public Task<Me> MeAsync(CancellationToken cancellationToken) => GetAsync<Me>("api/v1/auth/me", cancellationToken);

    // Creators
    public async Task<IReadOnlyList<CreatorSummary>> CreatorsAsync(CancellationToken cancellationToken) =>
        await SendAsync<List<CreatorSummary>>(HttpMethod.Get, "api/v1/creators", null, authenticated: false, cancellationToken);

    public Task<CreatorSummary> CreateCreatorAsync(NewCreator creator, CancellationToken cancellationToken) =>
        SendAsync<CreatorSummary>(HttpMethod.Post, "api/v1/creators", creator, authenticated: true, cancellationToken);

    // Knowledge
    public async Task<IReadOnlyList<Video>> VideosAsync(string slug, CancellationToken cancellationToken) =>
        await GetAsync<List<Video>>($"api/v1/creators/{Escape(slug)}/videos", cancellationToken);

    public Task<UploadAccepted> UploadAsync(string slug, VideoUpload upload, CancellationToken cancellationToken) =>
        SendAsync<UploadAccepted>(HttpMethod.Post, $"api/v1/creators/{Escape(slug)}/videos", upload, authenticated: true, cancellationToken);

    public Task<Job> JobAsync(Guid jobId, CancellationToken cancellationToken) => GetAsync<Job>($"api/v1/jobs/{jobId}", cancellationToken);

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string slug, string query, int k, CancellationToken cancellationToken) =>
        await GetAsync<List<SearchHit>>($"api/v1/creators/{Escape(slug)}/search?q={Uri.EscapeDataString(query)}&k={k}", cancellationToken);

    public Task<Insights> InsightsAsync(string slug, int days, CancellationToken cancellationToken) =>
        GetAsync<Insights>($"api/v1/creators/{Escape(slug)}/insights?days={days}", cancellationToken);

    // Chat
    public Task<ChatAnswer> ChatAsync(ChatRequest request, CancellationToken cancellationToken) =>
        SendAsync<ChatAnswer>(HttpMethod.Post, "api/v1/chat", request, authenticated: true, cancellationToken);

    /// <summary>Streams an answer: its <c>delta</c>s as they come, then its citations and the finished turn.</summary>
    public async IAsyncEnumerable<ChatEvent> StreamChatAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(() =>
        {
            var message = new HttpRequestMessage(HttpMethod.Post, "api/v1/chat") { Content = JsonContent.Create(request, options: ApiJson.Options) };
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            return message;
        }, authenticated: true, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            throw new NotAGatewayException($"{BaseUrl} answered the chat with {response.Content.Headers.ContentType?.MediaType ?? "no content type"}, not an event stream.");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            switch (item.EventType)
            {
                case "delta":
                    yield return new ChatEvent.Delta(Parse<TextPayload>(item.Data).Text);
                    break;
                case "citations":
                    yield return new ChatEvent.Citations(Parse<List<Citation>>(item.Data));
                    break;
                case "done":
                    yield return new ChatEvent.Done(Parse<ChatDone>(item.Data));
                    yield break;
                case "error":
                    throw new ApiException(HttpStatusCode.BadGateway, Parse<ErrorPayload>(item.Data).Detail ?? "The answer failed.");
            }
        }

        throw new ApiException(HttpStatusCode.BadGateway, "The answer stopped before it was complete.");
    }

    public async Task<IReadOnlyList<Message>> MessagesAsync(Guid conversationId, CancellationToken cancellationToken) =>
        await GetAsync<List<Message>>($"api/v1/conversations/{conversationId}/messages", cancellationToken);

    public async Task FeedbackAsync(Guid messageId, FeedbackRequest feedback, CancellationToken cancellationToken) =>
        await SendAsync<JsonElement?>(HttpMethod.Post, $"api/v1/messages/{messageId}/feedback", feedback, authenticated: true, cancellationToken);

    // Administration
    public Task<Page<User>> UsersAsync(string? query, string? cursor, int limit, CancellationToken cancellationToken) =>
        GetAsync<Page<User>>($"api/v1/admin/users?limit={limit}{Query("q", query)}{Query("cursor", cursor)}", cancellationToken);

    public Task<User> UpdateUserAsync(Guid id, UserChange change, CancellationToken cancellationToken) =>
        SendAsync<User>(HttpMethod.Patch, $"api/v1/admin/users/{id}", change, authenticated: true, cancellationToken);

    public Task<JsonElement> StatsAsync(CancellationToken cancellationToken) => GetAsync<JsonElement>("api/v1/admin/stats", cancellationToken);

    public Task<Page<AuditEntry>> AuditAsync(string? @event, string? cursor, int limit, CancellationToken cancellationToken) =>
        GetAsync<Page<AuditEntry>>($"api/v1/admin/audit?limit={limit}{Query("event", @event)}{Query("cursor", cursor)}", cancellationToken);

    public void Dispose() => _http.Dispose();

    private Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        SendAsync<T>(HttpMethod.Get, path, null, authenticated: true, cancellationToken);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, bool authenticated, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var response = await SendRawAsync(() =>
            {
                var message = new HttpRequestMessage(method, path);
                if (body is not null)
                {
                    message.Content = JsonContent.Create(body, body.GetType(), options: ApiJson.Options);
                }

                message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                return message;
            }, authenticated, HttpCompletionOption.ResponseContentRead, timeout.Token);
            await EnsureSuccessAsync(response, timeout.Token);
            if (response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0)
            {
                return default!;
            }

            if (response.Content.Headers.ContentType?.MediaType is not ("application/json" or "application/problem+json"))
            {
                throw new NotAGatewayException($"{BaseUrl} does not look like a CreatorChat gateway ({path} answered {response.Content.Headers.ContentType?.MediaType ?? "without a content type"}).");
            }

            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            return Parse<T>(text);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{BaseUrl} did not answer within {RequestTimeout.TotalSeconds:0} s.");
        }
    }

    private async Task<HttpResponseMessage> SendRawAsync(
        Func<HttpRequestMessage> build, bool authenticated, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        if (authenticated && _credentials.NeedsRefresh(_time.GetUtcNow()))
        {
            await RefreshAsync(cancellationToken);
        }

        var response = await SendOnceAsync(build, authenticated, completion, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized || !authenticated || !_credentials.CanRefresh)
        {
            return response;
        }

        // The access token expired early (or was revoked): one refresh, one retry.
        response.Dispose();
        await RefreshAsync(cancellationToken);
        return await SendOnceAsync(build, authenticated, completion, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendOnceAsync(
        Func<HttpRequestMessage> build, bool authenticated, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        using var request = build();
        if (authenticated)
        {
            var token = _credentials.AccessToken
                ?? throw new NotSignedInException("Not signed in: run 'creatorchat login' (or set CREATORCHAT_TOKEN).");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await _http.SendAsync(request, completion, cancellationToken);
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var session = _credentials.Session!;
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/auth/refresh")
        {
            Content = JsonContent.Create(new { refresh_token = session.RefreshToken }, options: ApiJson.Options),
        };
        using var response = await _http.SendAsync(request, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest)
        {
            throw new NotSignedInException($"Your session for {session.Email} has expired: run 'creatorchat login'.");
        }

        await EnsureSuccessAsync(response, cancellationToken);
        var pair = Parse<TokenPair>(await response.Content.ReadAsStringAsync(cancellationToken));
        await _credentials.UpdateAsync(pair, _time.GetUtcNow(), cancellationToken);
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var problem = ProblemText.From(response.Content.Headers.ContentType?.MediaType, body);
        // The API explains every 404 it means (unknown creator, video…); a bare one is a route this URL does not have.
        if ((problem is null || !ProblemText.HasSpecificDetail(body)) && response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
        {
            throw new NotAGatewayException($"{BaseUrl} does not look like a CreatorChat gateway ({(int)response.StatusCode} for {response.RequestMessage?.RequestUri?.AbsolutePath}).");
        }

        var message = problem ?? $"{(int)response.StatusCode} {response.ReasonPhrase} from {BaseUrl}.";
        if (response.StatusCode == HttpStatusCode.Unauthorized && !_credentials.HasToken)
        {
            throw new NotSignedInException("Not signed in: run 'creatorchat login' (or set CREATORCHAT_TOKEN).");
        }

        throw new ApiException(response.StatusCode, message, RetryAfter(response));
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - _time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private T Parse<T>(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, ApiJson.Options)!;
        }
        catch (JsonException)
        {
            throw new NotAGatewayException($"{BaseUrl} answered something that is not the CreatorChat API.");
        }
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static string Query(string name, string? value) => value is null ? "" : $"&{name}={Uri.EscapeDataString(value)}";

    private sealed record TextPayload(string Text);

    private sealed record ErrorPayload(string? Detail);
}
