using System.Diagnostics;

namespace LiquidationEngine.Tests.Ring;

/// <summary>Bounded waiting for a condition another thread will make true. Sleeps between checks (no spinning);
/// the bound only turns a hang into a failure, it is not a speed assertion.</summary>
internal static class Eventually
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static bool Holds(Func<bool> condition) => Holds(condition, Patience);

    public static bool Holds(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            Thread.Sleep(1);
        }

        return true;
    }
}
