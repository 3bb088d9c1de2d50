using System.CommandLine;
using LiquidationEngine.Host.Daemon;
using LiquidationEngine.Host.Replay;

namespace LiquidationEngine.Host;

/// <summary>Entry point of the <c>liqengine</c> command.</summary>
public static class Program
{
    /// <summary>Dispatches the subcommand: <c>run</c> to the daemon, <c>replay</c> and <c>convert</c> through System.CommandLine.</summary>
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 0 && args[0] == "run")
        {
            return await DaemonCommand.RunAsync(args[1..], CancellationToken.None).ConfigureAwait(false);
        }

        var root = new RootCommand("liqengine: mark-price liquidation engine for perpetual futures (subcommands: replay, convert, run).")
        {
            ReplayCli.CreateReplayCommand(),
            ReplayCli.CreateConvertCommand(),

            // Listed for --help; `run` itself is dispatched above because its settings are hosting configuration
            // keys (--Gateway:Port=7500), which the host's own configuration parser reads.
            new Command("run", "Run the daemon beside a matching engine: gateway, journal, snapshots, admin HTTP. Settings as --Section:Key=value (docs/OPERATIONS.md)."),
        };
        return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
    }
}
