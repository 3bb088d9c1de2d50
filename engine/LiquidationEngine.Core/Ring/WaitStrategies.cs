namespace LiquidationEngine.Ring;

/// <summary>Creates a wait strategy from its configuration name.</summary>
public static class WaitStrategies
{
    /// <summary>The names <see cref="Create"/> accepts, in order of increasing latency and decreasing CPU use.</summary>
    public static IReadOnlyList<string> Names { get; } = ["busy-spin", "yielding", "sleeping", "blocking"];

    /// <summary>Creates the strategy named <paramref name="name"/>: "busy-spin", "yielding", "sleeping" or "blocking"
    /// (case-insensitive).</summary>
    /// <param name="name">The configured name.</param>
    /// <returns>A new strategy instance; share it between the ring and nothing else.</returns>
    /// <exception cref="ArgumentException">The name is not one of the valid values; the message lists them.</exception>
    public static IWaitStrategy Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Equals("busy-spin", StringComparison.OrdinalIgnoreCase))
        {
            return new BusySpinWaitStrategy();
        }

        if (name.Equals("yielding", StringComparison.OrdinalIgnoreCase))
        {
            return new YieldingWaitStrategy();
        }

        if (name.Equals("sleeping", StringComparison.OrdinalIgnoreCase))
        {
            return new SleepingWaitStrategy();
        }

        if (name.Equals("blocking", StringComparison.OrdinalIgnoreCase))
        {
            return new BlockingWaitStrategy();
        }

        throw new ArgumentException(
            $"Unknown wait strategy '{name}'. Valid values (case-insensitive): {string.Join(", ", Names)}.",
            nameof(name));
    }
}
