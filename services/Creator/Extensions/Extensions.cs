using CreatorChat.Creator.Infrastructure;

namespace CreatorChat.Creator.Extensions;

public static class Extensions
{
    /// <summary>Everything the creator service runs on besides the defaults: token validation, <c>creatordb</c> with its migrations, the repository.</summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformAuthentication();
        builder.AddNpgsqlDataSource("creatordb", migrationsAssembly: typeof(CreatorRepository).Assembly);
        builder.Services.AddSingleton<CreatorRepository>();
        builder.Services.AddOpenApi();
        return builder;
    }
}
