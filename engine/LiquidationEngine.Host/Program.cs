using System.CommandLine;
using LiquidationEngine.Host.Daemon;
using LiquidationEngine.Host.Replay;

namespace LiquidationEngine.Host;

/// <summary>Entry point of the <c>liqengine</c> command.</summary>
public static class Program
{
    /// <summary>Parses the command line and runs <c>replay</c>, <c>convert</c> or <c>run</c> (README: exit codes).</summary>
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        Command run = DaemonCommand.Create();
        var root = new RootCommand("liqengine: mark-price liquidation engine for perpetual futures.")
        {
            ReplayCli.CreateReplayCommand(),
            ReplayCli.CreateConvertCommand(),
            run,
        };
        ParseResult parse = root.Parse(args);

        // The daemon handles SIGTERM and Ctrl-C itself (drain, flush, snapshot within Daemon:ShutdownTimeoutSeconds):
        // System.CommandLine must not cut it short after its default two seconds.
        var invocation = new InvocationConfiguration();
        if (parse.CommandResult.Command == run)
        {
            invocation.ProcessTerminationTimeout = null;
        }

        return await parse.InvokeAsync(invocation).ConfigureAwait(false);
    }
}
