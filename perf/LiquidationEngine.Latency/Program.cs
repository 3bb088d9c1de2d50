namespace LiquidationEngine.Latency;

/// <summary>Entry point of the latency harness.</summary>
public static class Program
{
    /// <summary>Runs the harness.</summary>
    public static int Main() => 0;
}
