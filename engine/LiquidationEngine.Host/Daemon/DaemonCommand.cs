using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using LiquidationEngine.Gateway;
using LiquidationEngine.Instruments;
using LiquidationEngine.Persistence;

namespace LiquidationEngine.Host.Daemon;

/// <summary><c>liqengine run</c>: the hosted daemon (gateway, journal, snapshots, admin endpoint).</summary>
public static class DaemonCommand
{
    /// <summary>Runs the daemon until SIGTERM or Ctrl-C. <paramref name="args"/> are everything after <c>run</c>:
    /// configuration overrides such as <c>--Gateway:Port=7500</c> (appsettings.json and environment variables, plain or
    /// prefixed <c>LIQENGINE_</c>, also apply).</summary>
    /// <returns>0 after a clean stop; 2 for bad configuration; 1 when start-up failed otherwise.</returns>
    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        WebApplication app;
        try
        {
            app = Build(args);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"liqengine run: invalid configuration: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        await using (app.ConfigureAwait(false))
        {
            try
            {
                await app.RunAsync(ct).ConfigureAwait(false);
                return 0;
            }
            catch (OptionsValidationException ex)
            {
                await Console.Error.WriteLineAsync("liqengine run: invalid configuration:").ConfigureAwait(false);
                foreach (string failure in ex.Failures)
                {
                    await Console.Error.WriteLineAsync("  " + failure).ConfigureAwait(false);
                }

                return 2;
            }
            catch (InvalidOperationException ex) when (ex.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase))
            {
                await Console.Error.WriteLineAsync($"liqengine run: invalid configuration: {ex.Message}").ConfigureAwait(false);
                return 2;
            }
            catch (InstrumentConfigException ex)
            {
                await Console.Error.WriteLineAsync($"liqengine run: invalid configuration: Engine:InstrumentsPath: {ex.Message}").ConfigureAwait(false);
                return 2;
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or System.Net.Sockets.SocketException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"liqengine run: start-up failed: {ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
        }
    }

    /// <summary>Builds the host: configuration, validated options, the lifecycle service and the admin endpoint.</summary>
    public static WebApplication Build(string[] args)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddEnvironmentVariables("LIQENGINE_");
        builder.Configuration.AddCommandLine(args);
        IServiceCollection services = builder.Services;
        services.AddSingleton<DaemonOptionsValidator>();
        AddValidated<DaemonSettings>(services, builder.Configuration, "Daemon");
        AddValidated<EngineSettings>(services, builder.Configuration, "Engine");
        AddValidated<JournalOptions>(services, builder.Configuration, "Journal");
        AddValidated<SnapshotSettings>(services, builder.Configuration, "Snapshots");
        AddValidated<GatewayOptions>(services, builder.Configuration, "Gateway");
        AddValidated<AdminSettings>(services, builder.Configuration, "Admin");
        int shutdown = builder.Configuration.GetValue("Daemon:ShutdownTimeoutSeconds", 30);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(Math.Clamp(shutdown, 1, 3600)));
        services.AddSingleton<DaemonService>();
        services.AddHostedService(sp => sp.GetRequiredService<DaemonService>());

        // Kestrel listens only where Admin:Address says (loopback by default); a bad address is reported by validation.
        IConfigurationSection admin = builder.Configuration.GetSection("Admin");
        IPAddress address = IPAddress.TryParse(admin["Address"] ?? "127.0.0.1", out IPAddress? a) ? a : IPAddress.Loopback;
        int port = int.TryParse(admin["Port"] ?? "7401", out int p) && p is >= 0 and <= 65535 ? p : 0;
        builder.WebHost.ConfigureKestrel(k => k.Listen(address, port));
        builder.WebHost.UseUrls();

        WebApplication app = builder.Build();
        AdminEndpoints.Map(app, app.Services.GetRequiredService<DaemonService>());
        return app;
    }

    private static void AddValidated<T>(IServiceCollection services, ConfigurationManager configuration, string section)
        where T : class
    {
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(sp => (IValidateOptions<T>)(object)sp.GetRequiredService<DaemonOptionsValidator>());
    }
}
