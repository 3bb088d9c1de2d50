namespace LiquidationEngine.Ring;

/// <summary>What a non-blocking wait does between two looks at the barrier: pause, yield or sleep.</summary>
/// <remarks>Implemented by structs so <see cref="SpinWaitLoop"/> is specialised per policy by the JIT:
/// the idle step is inlined, with no virtual call in the wait loop.</remarks>
internal interface IIdlePolicy
{
    /// <summary>Gives up the CPU a little; called once per look that found nothing available.</summary>
    void Idle();
}

/// <summary>The wait loop shared by the busy-spin, yielding and sleeping strategies, and by the blocking one once
/// the producer has published.</summary>
internal static class SpinWaitLoop
{
    /// <summary>Looks at the barrier until <paramref name="sequence"/> is available, the barrier is alerted,
    /// or <paramref name="deadline"/> passes, idling by <paramref name="idle"/> between looks.</summary>
    /// <returns>As <see cref="IWaitStrategy.WaitFor"/>.</returns>
    public static long WaitFor<TIdle>(long sequence, SequenceBarrier barrier, long deadline, TIdle idle)
        where TIdle : struct, IIdlePolicy
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

            // idle is a local copy: its counters start afresh with every wait.
            idle.Idle();
        }

        return available;
    }
}

/// <summary>Pauses only, so a hyper-threaded sibling core is not starved.</summary>
internal struct SpinIdle : IIdlePolicy
{
    /// <inheritdoc/>
    public readonly void Idle() => Thread.SpinWait(1);
}

/// <summary>Pauses <c>spins</c> times, then yields the core on every further look.</summary>
internal struct YieldIdle(int spins) : IIdlePolicy
{
    // Pauses left before yielding; counts down to 0 and stays there.
    private int _spins = spins;

    /// <inheritdoc/>
    public void Idle()
    {
        if (_spins > 0)
        {
            _spins--;
            Thread.SpinWait(1);
        }
        else
        {
            Thread.Yield();
        }
    }
}

/// <summary>Pauses <c>spins</c> times, yields <c>yields</c> times, then sleeps a millisecond per look.</summary>
internal struct SleepIdle(int spins, int yields) : IIdlePolicy
{
    // Pauses, then yields, left before sleeping; each counts down to 0 and stays there.
    private int _spins = spins;
    private int _yields = yields;

    /// <inheritdoc/>
    public void Idle()
    {
        if (_spins > 0)
        {
            _spins--;
            Thread.SpinWait(1);
        }
        else if (_yields > 0)
        {
            _yields--;
            Thread.Yield();
        }
        else
        {
            Thread.Sleep(1);
        }
    }
}

/// <summary>Backs off with <see cref="SpinWait"/>: spins, then yields, then sleeps, as the runtime judges best.</summary>
internal struct BackoffIdle : IIdlePolicy
{
    private SpinWait _backoff;

    /// <inheritdoc/>
    public void Idle() => _backoff.SpinOnce();
}
