namespace LiquidationEngine.Ring;

/// <summary>Spins on the CPU without ever giving it up: lowest latency, one full core per waiting consumer.</summary>
/// <remarks>Only for a consumer pinned to a core of its own. On a shared machine (or in tests) prefer
/// <see cref="YieldingWaitStrategy"/> or <see cref="BlockingWaitStrategy"/>.</remarks>
public sealed class BusySpinWaitStrategy : IWaitStrategy
{
    /// <inheritdoc/>
    public bool IsBlockingStrategy => false;

    /// <inheritdoc/>
    public long WaitFor(long sequence, SequenceBarrier barrier, long deadline)
    {
        ArgumentNullException.ThrowIfNull(barrier);
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

            // A pause, so a hyper-threaded sibling core is not starved.
            Thread.SpinWait(1);
        }

        return available;
    }

    /// <inheritdoc/>
    public void SignalAllWhenBlocking()
    {
    }
}
