namespace LiquidationEngine.Ring;

/// <summary>Spins, then yields, then sleeps for a millisecond at a time: little CPU when idle, at the cost
/// of up to about a millisecond of latency after an idle spell.</summary>
/// <remarks>Producers never signal this strategy, so publishing stays as cheap as with spinning.</remarks>
public sealed class SleepingWaitStrategy : IWaitStrategy
{
    private readonly int _spinTries;
    private readonly int _yieldTries;

    /// <summary>Creates the strategy.</summary>
    /// <param name="spinTries">How many pauses before the first yield.</param>
    /// <param name="yieldTries">How many yields before the first sleep.</param>
    public SleepingWaitStrategy(int spinTries = 100, int yieldTries = 100)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(spinTries);
        ArgumentOutOfRangeException.ThrowIfNegative(yieldTries);
        _spinTries = spinTries;
        _yieldTries = yieldTries;
    }

    /// <inheritdoc/>
    public bool IsBlockingStrategy => false;

    /// <inheritdoc/>
    public long WaitFor(long sequence, SequenceBarrier barrier, long deadline) =>
        SpinWaitLoop.WaitFor(sequence, barrier, deadline, new SleepIdle(_spinTries, _yieldTries));

    /// <inheritdoc/>
    public void SignalAllWhenBlocking()
    {
    }
}
