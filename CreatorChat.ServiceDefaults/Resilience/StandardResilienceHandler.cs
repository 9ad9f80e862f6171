using Polly;

namespace CreatorChat.ServiceDefaults.Resilience;

/// <summary>
/// Runs every request of one named HttpClient through its pipeline. Only idempotent requests whose
/// body can be sent again are retried; the rest get the timeouts and the breaker but a single attempt.
/// </summary>
public sealed class StandardResilienceHandler(HttpResiliencePipelines pipelines, string clientName) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var pipeline = pipelines.Get(clientName);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(HttpResiliencePipelines.CanRetryKey, CanRetry(request));
        try
        {
            var outcome = await pipeline.ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    try
                    {
                        var response = await state.Handler.SendCoreAsync(state.Request, ctx.CancellationToken).ConfigureAwait(false);
                        return Outcome.FromResult(response);
                    }
                    catch (Exception ex)
                    {
                        return Outcome.FromException<HttpResponseMessage>(ex);
                    }
                },
                context,
                (Handler: this, Request: request)).ConfigureAwait(false);

            outcome.ThrowIfException();
            return outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    public static bool CanRetry(HttpRequestMessage request)
    {
        var method = request.Method;
        var idempotent = method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options ||
                         method == HttpMethod.Put || method == HttpMethod.Delete || method == HttpMethod.Trace;
        return idempotent && request.Content is null or ByteArrayContent;
    }

    private Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
