using LiquidationEngine.Host.Daemon;

namespace LiquidationEngine.Host;

/// <summary>Entry point of the <c>liqengine</c> command.</summary>
public static class Program
{
    /// <summary>Dispatches the subcommand.</summary>
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 0 && args[0] == "run")
        {
            return await DaemonCommand.RunAsync(args[1..], CancellationToken.None).ConfigureAwait(false);
        }

        await Console.Error.WriteLineAsync("usage: liqengine replay|convert|run ...").ConfigureAwait(false);
        return 2;
    }
}
