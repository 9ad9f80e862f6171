using CreatorChat.Retrieval.Infrastructure.Creators;
using CreatorChat.Retrieval.Infrastructure.VectorStores;
using Microsoft.AspNetCore.Diagnostics;

namespace CreatorChat.Retrieval.Apis;

/// <summary>
/// A dependency that is down (creator service, vector store, database, embedding provider) or misconfigured
/// (a collection built with another embedding model) is a 503 with Retry-After, not a 500: the request was
/// fine and may succeed shortly. It runs before ServiceDefaults' handlers; the database, Redis, other HTTP failures and
/// timeouts are ServiceDefaults' rule (<c>DependencyUnavailable</c>).
/// </summary>
internal sealed class RetrievalExceptionHandler(IProblemDetailsService problemDetails, CreatorChat.ServiceDefaults.Http.DependencyFaults faults) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var detail = exception switch
        {
            CreatorDirectoryUnavailableException => "The creator service is not answering right now. Please try again shortly.",
            EmbeddingSpaceMismatchException => "Search is unavailable: the vector collection was built with a different embedding model than the one configured.",
            VectorStoreException => "The vector store is not answering right now. Please try again shortly.",
            System.ClientModel.ClientResultException => "The embedding service is not answering right now. Please try again shortly.",
            _ => null,
        };
        if (detail is null)
        {
            return false;
        }

        faults.Report(exception switch
        {
            CreatorDirectoryUnavailableException => "creator service",
            EmbeddingSpaceMismatchException or VectorStoreException => "vector store",
            _ => "embedding service",
        }, exception); // once per outage at error level, not a warning per request
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = CreatorChat.ServiceDefaults.Http.DependencyUnavailable.RetryAfterSeconds;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = "Service unavailable", Detail = detail },
            Exception = exception,
        });
    }
}
