namespace LiquidationEngine.Ring;

/// <summary>Spins a little, then gives the core to other runnable threads with <see cref="Thread.Yield"/>.</summary>
/// <remarks>Low latency without starving other threads; still uses a core while waiting if nothing else wants it.</remarks>
public sealed class YieldingWaitStrategy : IWaitStrategy
{
    private readonly int _spinTries;

    /// <summary>Creates the strategy.</summary>
    /// <param name="spinTries">How many pauses before the first yield.</param>
    public YieldingWaitStrategy(int spinTries = 100)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(spinTries);
        _spinTries = spinTries;
    }

    /// <inheritdoc/>
    public bool IsBlockingStrategy => false;

    /// <inheritdoc/>
    public long WaitFor(long sequence, SequenceBarrier barrier, long deadline) =>
        SpinWaitLoop.WaitFor(sequence, barrier, deadline, new YieldIdle(_spinTries));

    /// <inheritdoc/>
    public void SignalAllWhenBlocking()
    {
    }
}
