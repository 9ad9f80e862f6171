namespace CreatorChat.Gateway.Infrastructure.Edge;

public static class EdgeProtectionExtensions
{
    public const string CorsPolicy = "allow-list";

    /// <summary>CORS from the <c>Cors:AllowedOrigins</c> allow-list (empty: same-origin only), security headers, body caps, the edge guard.</summary>
    public static IHostApplicationBuilder AddEdgeProtection(this IHostApplicationBuilder builder)
    {
        var origins = builder.Configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? [];
        builder.Services.AddCors(options => options.AddPolicy(CorsPolicy, policy => policy
            .WithOrigins(origins)
            .WithMethods("GET", "POST", "PATCH", "PUT", "DELETE")
            .WithHeaders("Authorization", "Content-Type", "Accept", "X-Request-Id", "Last-Event-ID")
            .WithExposedHeaders("X-Request-Id", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Location")
            .SetPreflightMaxAge(TimeSpan.FromHours(1))));
        builder.Services.AddSingleton<EdgeGuard>();
        return builder;
    }

    public static IApplicationBuilder UseEdgeProtection(this IApplicationBuilder app)
    {
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseMiddleware<UnsupportedMethodMiddleware>();
        app.UseCors(CorsPolicy);
        app.UseMiddleware<RequestSizeLimitMiddleware>();
        app.UseMiddleware<JsonCharsetMiddleware>();
        return app;
    }
}
