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
    public long WaitFor(long sequence, SequenceBarrier barrier, long deadline)
    {
        ArgumentNullException.ThrowIfNull(barrier);
        int spins = _spinTries;
        long available;
        while ((available = barrier.GetAvailable(sequence)) < sequence)
        {
            if (barrier.IsAlerted)
            {
                return SequenceBarrier.Alerted;
            }

            if (SequenceBarrier.IsPast(deadline))
            {
                return SequenceBarrier.TimedOut;
            }

            if (spins > 0)
            {
                spins--;
                Thread.SpinWait(1);
            }
            else
            {
                Thread.Yield();
            }
        }

        return available;
    }

    /// <inheritdoc/>
    public void SignalAllWhenBlocking()
    {
    }
}
