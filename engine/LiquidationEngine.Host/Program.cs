using System.CommandLine;
using LiquidationEngine.Host.Replay;

namespace LiquidationEngine.Host;

/// <summary>Entry point of the <c>liqengine</c> command.</summary>
/// <remarks>Minimal dispatcher from the replay branch (replay and convert); the daemon's <c>run</c> joins it on main.</remarks>
public static class Program
{
    /// <summary>Parses the command line and runs the subcommand.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("liqengine: mark-price liquidation engine for perpetual futures.")
        {
            ReplayCli.CreateReplayCommand(),
            ReplayCli.CreateConvertCommand(),
        };
        return root.Parse(args).Invoke();
    }
}
