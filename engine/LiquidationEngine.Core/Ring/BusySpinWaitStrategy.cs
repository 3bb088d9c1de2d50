namespace LiquidationEngine.Ring;

/// <summary>Spins on the CPU without ever giving it up: lowest latency, one full core per waiting consumer.</summary>
/// <remarks>Only for a consumer pinned to a core of its own. On a shared machine (or in tests) prefer
/// <see cref="YieldingWaitStrategy"/> or <see cref="BlockingWaitStrategy"/>.</remarks>
public sealed class BusySpinWaitStrategy : IWaitStrategy
{
    /// <inheritdoc/>
    public bool IsBlockingStrategy => false;

    /// <inheritdoc/>
    public long WaitFor(long sequence, SequenceBarrier barrier, long deadline) =>
        SpinWaitLoop.WaitFor(sequence, barrier, deadline, default(SpinIdle));

    /// <inheritdoc/>
    public void SignalAllWhenBlocking()
    {
    }
}
