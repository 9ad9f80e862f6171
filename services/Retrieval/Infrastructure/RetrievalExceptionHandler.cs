using CreatorChat.Retrieval.Infrastructure.Creators;
using CreatorChat.Retrieval.Infrastructure.VectorStores;
using Microsoft.AspNetCore.Diagnostics;

namespace CreatorChat.Retrieval.Infrastructure;

/// <summary>
/// A dependency that is down (creator service, vector store, database, embedding provider) or misconfigured
/// (a collection built with another embedding model) is a 503 with Retry-After, not a 500: the request was
/// fine and may succeed shortly.
/// </summary>
internal sealed partial class RetrievalExceptionHandler(IProblemDetailsService problemDetails, ILogger<RetrievalExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var detail = exception switch
        {
            CreatorDirectoryUnavailableException => "The creator service is not answering right now. Please try again shortly.",
            EmbeddingSpaceMismatchException => "Search is unavailable: the vector collection was built with a different embedding model than the one configured.",
            VectorStoreException => "The vector store is not answering right now. Please try again shortly.",
            Npgsql.NpgsqlException { IsTransient: true } or TimeoutException => "The database is not answering right now. Please try again shortly.",
            System.ClientModel.ClientResultException or HttpRequestException => "The embedding service is not answering right now. Please try again shortly.",
            _ => null,
        };
        if (detail is null)
        {
            return false;
        }

        LogUnavailable(logger, exception, httpContext.Request.Path.Value ?? "", exception.GetType().Name);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "5";
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = "Service unavailable", Detail = detail },
            Exception = exception,
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {Path} failed on an unavailable dependency ({ExceptionType})")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string path, string exceptionType);
}
