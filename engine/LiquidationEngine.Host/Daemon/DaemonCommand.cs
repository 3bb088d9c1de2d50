using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using LiquidationEngine.Instruments;

namespace LiquidationEngine.Host.Daemon;

/// <summary><c>liqengine run</c>: the hosted daemon (gateway, journal, snapshots, admin endpoint).</summary>
public static class DaemonCommand
{
    /// <summary>Builds the System.CommandLine <c>run</c> command. Tokens it does not know are host configuration
    /// (<c>--Gateway:Port=7500</c>, <c>--Gateway:Port 7500</c>) and go to <see cref="RunAsync"/>.</summary>
    public static Command Create()
    {
        var config = new Option<FileInfo?>("--config", "-c")
        {
            Description = "A JSON settings file layered over the built-in appsettings.json (e.g. /etc/liqengine/liqengine.json).",
        };
        var command = new Command(
            "run",
            "Run the daemon beside a matching engine: gateway, journal, snapshots, admin HTTP (health, metrics, queries). "
            + "Any setting can follow as --Section:Key=value, e.g. --Gateway:Port=7400 --Daemon:DataDirectory=/var/lib/liqengine "
            + "(docs/OPERATIONS.md lists them; environment variables LIQENGINE_Section__Key work too). "
            + "Exit codes: 0 clean stop, 1 start-up failed, 2 bad configuration, 3 a stage faulted, 4 stop incomplete.")
        {
            config,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            string[] settings = [.. parse.UnmatchedTokens];
            if (StrayToken(settings) is { } stray)
            {
                await ReportConfigurationAsync([$"command line: '{stray}' is not a setting (settings are --Section:Key=value or --Section:Key value; see liqengine run --help)"]).ConfigureAwait(false);
                return DaemonExitCodes.BadConfiguration;
            }

            return await RunAsync(parse.GetValue(config)?.FullName, settings, ct).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The first token that is neither a <c>--key[=value]</c> nor the value after a <c>--key</c>, or null.
    /// The host's command-line provider would skip such a token silently.</summary>
    private static string? StrayToken(string[] tokens)
    {
        bool valueExpected = false;
        foreach (string token in tokens)
        {
            bool key = token.StartsWith("--", StringComparison.Ordinal) || token.StartsWith('/');
            if (key)
            {
                valueExpected = !token.Contains('=', StringComparison.Ordinal);
            }
            else if (valueExpected)
            {
                valueExpected = false;
            }
            else
            {
                return token;
            }
        }

        return null;
    }

    /// <summary>Runs the daemon until SIGTERM or Ctrl-C, or until a stage faults.</summary>
    /// <param name="configFile">An extra JSON settings file, or null.</param>
    /// <param name="args">Configuration overrides such as <c>--Gateway:Port=7500</c>.</param>
    /// <param name="ct">Stops the daemon like SIGTERM.</param>
    /// <returns>One of <see cref="DaemonExitCodes"/>.</returns>
    public static async Task<int> RunAsync(string? configFile, string[] args, CancellationToken ct)
    {
        WebApplication app;
        DaemonConfig config;
        try
        {
            (app, config) = Build(configFile, args);
        }
        catch (DaemonConfigurationException ex)
        {
            await ReportConfigurationAsync(ex.Failures).ConfigureAwait(false);
            return DaemonExitCodes.BadConfiguration;
        }

        await using (app.ConfigureAwait(false))
        {
            DaemonService daemon = app.Services.GetRequiredService<DaemonService>();
            try
            {
                await app.RunAsync(ct).ConfigureAwait(false);
                return daemon.ExitCode;
            }
            catch (Exception ex) when (PortInUse(ex, config) is { } failure)
            {
                await ReportConfigurationAsync([failure]).ConfigureAwait(false);
                return DaemonExitCodes.BadConfiguration;
            }
            catch (DaemonConfigurationException ex)
            {
                await ReportConfigurationAsync(ex.Failures).ConfigureAwait(false);
                return DaemonExitCodes.BadConfiguration;
            }
            catch (InstrumentConfigException ex)
            {
                await ReportConfigurationAsync([$"Engine:InstrumentsPath: {ex.Message}"]).ConfigureAwait(false);
                return DaemonExitCodes.BadConfiguration;
            }
            catch (CatalogMismatchException ex)
            {
                await ReportConfigurationAsync([$"Engine:InstrumentsPath: {ex.Message}"]).ConfigureAwait(false);
                return DaemonExitCodes.BadConfiguration;
            }
            catch (Exception ex) when (daemon.ExitCode != DaemonExitCodes.Clean)
            {
                // A stage faulted while the host was stopping; the fault itself is already logged at Critical.
                await Console.Error.WriteLineAsync($"liqengine run: stopped after a fault ({ex.GetType().Name}: {ex.Message})").ConfigureAwait(false);
                return daemon.ExitCode;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Start-up met something outside the configuration (a damaged journal, a locked or unreadable data
                // directory, an I/O error): say what, once, without a stack trace; the log has the details.
                await Console.Error.WriteLineAsync($"liqengine run: start-up failed: {ex.Message} ({ex.GetType().Name})").ConfigureAwait(false);
                return DaemonExitCodes.StartFailed;
            }
        }
    }

    /// <summary>Builds the host: configuration (checked first, every failure at once), the lifecycle service, metrics,
    /// health checks and the admin endpoint.</summary>
    /// <exception cref="DaemonConfigurationException">The configuration is bad or a settings file is malformed.</exception>
    public static (WebApplication App, DaemonConfig Config) Build(string? configFile, string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        WebApplicationBuilder builder;
        try
        {
            builder = WebApplication.CreateBuilder(new WebApplicationOptions
            {
                Args = args,
                ContentRootPath = AppContext.BaseDirectory,
            });
            if (configFile is not null)
            {
                builder.Configuration.AddJsonFile(File.Exists(configFile) ? configFile : throw new DaemonConfigurationException($"--config = '{configFile}': file not found"), optional: false, reloadOnChange: false);
            }

            builder.Configuration.AddEnvironmentVariables("LIQENGINE_");
            builder.Configuration.AddCommandLine(args);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException)
        {
            // A malformed appsettings.json or --config file (InvalidDataException around a JsonException that names
            // the line), or a command-line token that is no key.
            throw new DaemonConfigurationException(SettingsFileFailure(ex), ex);
        }

        DaemonConfig config = DaemonConfiguration.Load(builder.Configuration);
        IServiceCollection services = builder.Services;
        services.AddSingleton(Options.Create(config.Daemon));
        services.AddSingleton(Options.Create(config.Engine));
        services.AddSingleton(Options.Create(config.Journal));
        services.AddSingleton(Options.Create(config.Snapshots));
        services.AddSingleton(Options.Create(config.Gateway));
        services.AddSingleton(Options.Create(config.Admin));
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(config.Daemon.ShutdownTimeoutSeconds));
        services.AddSingleton<DaemonMetrics>();
        services.AddSingleton<DaemonService>();
        services.AddHostedService(sp => sp.GetRequiredService<DaemonService>());

        // Readiness and stopping reach systemd through sd_notify (Type=notify in deploy/liqengine.service); a no-op
        // when not run by systemd.
        services.AddSystemd();
        services.AddHealthChecks()
            .AddCheck<DaemonLiveCheck>("pipeline", tags: [DaemonHealth.LiveTag])
            .AddCheck<DaemonReadyCheck>("engine", tags: [DaemonHealth.ReadyTag]);
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("liqengine", serviceVersion: BuildInfo.Version, autoGenerateServiceInstanceId: false))
            .WithMetrics(m => m
                .AddMeter(DaemonMetrics.MeterName)
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));

        // Kestrel listens only where Admin:Address says (loopback by default).
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Parse(config.Admin.Address), config.Admin.Port));
        builder.WebHost.UseUrls();

        WebApplication app = builder.Build();
        AdminEndpoints.Map(app, app.Services.GetRequiredService<DaemonService>(), config.Admin);
        ExposureWarnings(app.Logger, config);
        return (app, config);
    }

    /// <summary>A gateway or admin endpoint off loopback without a shared secret is open to anyone who can reach it.</summary>
    private static void ExposureWarnings(ILogger logger, DaemonConfig config)
    {
        if (!IPAddress.IsLoopback(IPAddress.Parse(config.Gateway.Address)) && string.IsNullOrEmpty(config.Gateway.SharedSecret))
        {
            DaemonLog.ExposedWithoutSecret(logger, "Gateway", config.Gateway.Address, "Gateway:SharedSecret");
        }

        if (!IPAddress.IsLoopback(IPAddress.Parse(config.Admin.Address)) && string.IsNullOrEmpty(config.Admin.SharedSecret))
        {
            DaemonLog.ExposedWithoutSecret(logger, "Admin", config.Admin.Address, "Admin:SharedSecret");
        }
    }

    /// <summary>A bind failure names the key, the address and the port.</summary>
    private static string? PortInUse(Exception ex, DaemonConfig config)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is AddressInUseException || (e is IOException && e.InnerException is AddressInUseException))
            {
                return $"Admin:Port = {config.Admin.Port}: {config.Admin.Address}:{config.Admin.Port} is already in use (another process listens there)";
            }

            if (e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return $"Gateway:Port = {config.Gateway.Port}: {config.Gateway.Address}:{config.Gateway.Port} is already in use (another process listens there)";
            }

            if (e is SocketException { SocketErrorCode: SocketError.AddressNotAvailable })
            {
                return $"Gateway:Address = '{config.Gateway.Address}': not an address of this machine";
            }
        }

        return null;
    }

    private static string SettingsFileFailure(Exception ex)
    {
        // InvalidDataException("Failed to load … file 'x'.") ← FormatException("Could not parse the JSON file.") ←
        // JsonException("… LineNumber: 2 | BytePositionInLine: 15."): say all three, in that order.
        var causes = new List<string>();
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            causes.Add(e.Message.TrimEnd('.'));
        }

        return ex switch
        {
            InvalidDataException => string.Join(": ", causes),
            _ => $"command line: {ex.Message} (settings are --Section:Key=value)",
        };
    }

    private static async Task ReportConfigurationAsync(IReadOnlyList<string> failures)
    {
        await Console.Error.WriteLineAsync($"liqengine run: invalid configuration ({failures.Count} {(failures.Count == 1 ? "problem" : "problems")}):").ConfigureAwait(false);
        foreach (string failure in failures)
        {
            await Console.Error.WriteLineAsync("  " + failure).ConfigureAwait(false);
        }
    }
}
