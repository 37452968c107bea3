using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InboxServerless.Azure;

public static class SettingsServiceCollectionExtensions
{
    /// <summary>
    /// Binds a configuration section with the options pattern (its defaults when the section is absent) and offers the
    /// bound value itself to the adapters and use cases, which know nothing of <see cref="IOptions{TOptions}"/>. The
    /// caller adds validation, on start, for what is truly required.
    /// </summary>
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services, IConfigurationSection section) where T : class
    {
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return services.AddOptions<T>().Configure(options => section.Bind(options));
    }
}
