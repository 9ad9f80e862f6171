using Microsoft.Extensions.Hosting;

namespace CreatorChat.ServiceDefaults.Security;

/// <summary>
/// Signs this service's calls to other services' <c>/internal/**</c> routes with a short-lived
/// service token (re-issued before it expires). Other calls are left as they are.
/// </summary>
internal sealed class ServiceTokenHandler(PlatformTokens tokens, IHostEnvironment environment, TimeProvider timeProvider) : DelegatingHandler
{
    private Lease? _current;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is null &&
            request.RequestUri?.AbsolutePath.StartsWith("/internal/", StringComparison.Ordinal) == true)
        {
            var current = _current;
            if (current is null || current.ExpiresAt - timeProvider.GetUtcNow() < TimeSpan.FromMinutes(1))
            {
                var (token, expiresAt) = tokens.CreateServiceToken(environment.ApplicationName);
                current = new Lease(token, expiresAt);
                _current = current; // a reference swap: concurrent callers see one lease or the other, never a mix
            }

            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", current.Token);
        }

        return base.SendAsync(request, cancellationToken);
    }

    private sealed record Lease(string Token, DateTimeOffset ExpiresAt);
}
