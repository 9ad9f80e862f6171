using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

public static class ValidatedOptionsExtensions
{
    /// <summary>
    /// How every service binds its settings: <paramref name="section"/> to <typeparamref name="T"/>, validated by its
    /// DataAnnotations when the service starts (a bad setting stops it with the option's name), and the validated value
    /// itself registered for the classes that take it.
    /// </summary>
    public static void AddValidatedOptions<T>(this IHostApplicationBuilder builder, string section) where T : class
    {
        builder.Services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
    }
}
