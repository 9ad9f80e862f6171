using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using CreatorChat.Testing;
using CreatorChat.Testing.Telemetry;
using Xunit;
using Xunit.Abstractions;

namespace CreatorChat.AppHost.Tests;

/// <summary>
/// The platform the AppHost declares, started in local-process mode (Postgres and Redis from this machine's binaries)
/// with every service exporting OTLP to a receiver in the test: one chat turn through the gateway is one trace.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ChatTraceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task One_chat_turn_through_the_gateway_is_one_trace_across_gateway_chat_creator_retrieval_and_their_databases()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await using var platform = await AspirePlatform.StartAsync(new AspirePlatformOptions
        {
            OtlpEndpoint = receiver.Endpoint,
            Replicas = new Dictionary<string, int> { ["chat"] = 1, ["retrieval"] = 1 },
            ExtraEnvironment = new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" },
        }, startup.Token);

        using var gateway = new HttpClient { BaseAddress = platform.GatewayUrl, Timeout = TimeSpan.FromSeconds(60) };
        var admin = await LoginAsync(gateway, platform.AdminEmail, platform.AdminPassword);
        using (var created = await gateway.WithBearer(admin).PostJsonAsync("/api/v1/creators", new { slug = "trace-lab", name = "Trace Lab", specialty = "Tracing" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        // The turn carries a trace id of the test's own, so its spans are told apart from everything else the platform does.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var rootSpanId = ActivitySpanId.CreateRandom().ToHexString();
        using var turn = new HttpRequestMessage(HttpMethod.Post, "/api/v1/chat")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { creator_id = "trace-lab", message = "How do you keep a trace together?" }),
        };
        turn.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        turn.Headers.Add("traceparent", $"00-{traceId}-{rootSpanId}-01");
        using (var answered = await gateway.SendAsync(turn))
        {
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }

        List<ReceivedSpan> trace = [];
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            trace = receiver.Spans.Where(s => s.TraceId == traceId).ToList();
            var ids = trace.Select(s => s.SpanId).ToHashSet();
            if (trace.Select(s => s.Service).Distinct().Count() >= 4 && trace.Count(IsPostgres) >= 2
                && trace.All(s => s.ParentSpanId == rootSpanId || ids.Contains(s.ParentSpanId)))
            {
                break;
            }

            await Task.Delay(250);
        }

        output.WriteLine(string.Join('\n', trace.Select(s => $"{s.Service,-10} {s.Name} {string.Join(' ', s.Attributes.Where(a => a.Key.StartsWith("db.", StringComparison.Ordinal)).Select(a => $"{a.Key}={a.Value}"))}")));
        Assert.Contains(trace, s => s.Service == "gateway" && s.Kind == 2 && s.Name.Contains("/api/v1/chat", StringComparison.Ordinal));
        Assert.Contains(trace, s => s.Service == "chat" && s.Kind == 2);
        Assert.Contains(trace, s => s.Service == "creator" && s.Kind == 2);
        Assert.Contains(trace, s => s.Service == "retrieval" && s.Kind == 2);
        // Postgres spans name the database of the service that made them (chat writes its messages in a batch, after the turn).
        Assert.Contains(trace, s => s.Service == "creator" && IsPostgres(s) && Database(s) == "creatordb");
        Assert.Contains(trace, s => s.Service == "retrieval" && IsPostgres(s) && Database(s) == "retrievaldb");

        // One trace: every span's parent is in it, up to the test's own root span (which is not exported).
        var spans = trace.Select(s => s.SpanId).ToHashSet();
        Assert.All(trace, s => Assert.True(s.ParentSpanId == rootSpanId || spans.Contains(s.ParentSpanId), $"{s.Service} {s.Name} has no parent in the trace"));
        Assert.Contains(trace, s => s.ParentSpanId == rootSpanId && s.Service == "gateway");
    }

    private static string? Database(ReceivedSpan span) =>
        span.Attributes.TryGetValue("db.namespace", out var database) ? database : span.Attributes.GetValueOrDefault("db.name");

    private static bool IsPostgres(ReceivedSpan span) => span.Attributes.GetValueOrDefault("db.system") is "postgresql"
        || span.Attributes.GetValueOrDefault("db.system.name") is "postgresql";

    private static async Task<string> LoginAsync(HttpClient gateway, string email, string password)
    {
        using var response = await gateway.PostJsonAsync("/api/v1/auth/login", new { email, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync())["access_token"]!.GetValue<string>();
    }
}
