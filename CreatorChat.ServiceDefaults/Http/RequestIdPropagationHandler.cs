using Microsoft.AspNetCore.Http;

namespace CreatorChat.ServiceDefaults.Http;

public sealed class RequestIdPropagationHandler(IHttpContextAccessor accessor) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var requestId = accessor.HttpContext?.TraceIdentifier;
        if (!request.Headers.Contains(RequestIdMiddleware.HeaderName) && RequestIdMiddleware.IsValid(requestId))
        {
            request.Headers.TryAddWithoutValidation(RequestIdMiddleware.HeaderName, requestId);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
