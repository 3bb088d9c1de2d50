using System.Diagnostics;

namespace LiquidationEngine.Ring;

/// <summary>Parks waiting consumers on a monitor until a producer publishes: no CPU when idle, but every
/// publish takes a lock to wake them, and a wake-up costs microseconds.</summary>
/// <remarks>
/// <para>Invariant: a consumer checks the producer's published sequence and starts waiting while holding the
/// lock, and producers pulse under the same lock after publishing, so a publish is never missed.</para>
/// <para>Consumers that also wait on other consumers (chained stages) are not signalled by them: once the
/// producer has published, they back off with <see cref="SpinWait"/> (spin, yield, then 1 ms sleeps).</para>
/// </remarks>
public sealed class BlockingWaitStrategy : IWaitStrategy
{
    /// <summary>The monitor consumers wait on and producers pulse; only used for signalling.</summary>
    private readonly object _gate = new();

    /// <inheritdoc/>
    public bool IsBlockingStrategy => true;

    /// <inheritdoc/>
    public long WaitFor(long sequence, SequenceBarrier barrier, long deadline)
    {
        ArgumentNullException.ThrowIfNull(barrier);
        if (barrier.GetPublished(sequence) < sequence)
        {
            lock (_gate)
            {
                while (barrier.GetPublished(sequence) < sequence)
                {
                    if (barrier.IsAlerted)
                    {
                        return SequenceBarrier.Alerted;
                    }

                    if (deadline == SequenceBarrier.NoDeadline)
                    {
                        Monitor.Wait(_gate);
                    }
                    else
                    {
                        int remainingMs = RemainingMilliseconds(deadline);
                        if (remainingMs <= 0)
                        {
                            return SequenceBarrier.TimedOut;
                        }

                        Monitor.Wait(_gate, remainingMs);
                    }
                }
            }
        }

        // Published, but an upstream stage may still be behind: back off until it catches up.
        return SpinWaitLoop.WaitFor(sequence, barrier, deadline, default(BackoffIdle));
    }

    /// <inheritdoc/>
    public void SignalAllWhenBlocking()
    {
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Milliseconds left until <paramref name="deadline"/>, rounded up so we never wake just before it.</summary>
    private static int RemainingMilliseconds(long deadline)
    {
        long remainingTicks = deadline - Stopwatch.GetTimestamp();
        if (remainingTicks <= 0)
        {
            return 0;
        }

        long ms = ((remainingTicks * 1000) + Stopwatch.Frequency - 1) / Stopwatch.Frequency;
        return (int)Math.Min(ms, int.MaxValue);
    }
}
