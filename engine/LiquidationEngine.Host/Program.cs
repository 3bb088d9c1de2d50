namespace LiquidationEngine.Host;

/// <summary>Entry point of the <c>liqengine</c> command.</summary>
public static class Program
{
    /// <summary>Dispatches the subcommand.</summary>
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("usage: liqengine replay|convert|run ...");
        return args.Length == 0 ? 2 : 2;
    }
}
