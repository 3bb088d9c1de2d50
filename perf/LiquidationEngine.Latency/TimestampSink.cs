using System.Diagnostics;
using LiquidationEngine.Contracts;

namespace LiquidationEngine.Latency;

/// <summary>
/// The measuring sink. Runs on the pipeline's output thread and stamps, for every input of the armed run, the time
/// its first liquidation order and its ack reached the sinks, in arrays allocated once up front (no allocation).
/// </summary>
/// <remarks>Armed and disarmed by the producer between runs, while no event of the run is in flight: the ring's
/// publish/consume barriers order the plain fields. Events of inputs outside the armed range are ignored.</remarks>
public sealed class TimestampSink : IEngineEventSink
{
    private readonly long[] _firstOrder;
    private readonly long[] _ack;
    private readonly int[] _orders;
    private readonly long[] _orderTimes;
    private long _firstSequence;
    private int _length;
    private int _orderCount;

    /// <summary>Allocates room for runs of up to <paramref name="capacity"/> inputs and <paramref name="orderCapacity"/> orders.</summary>
    public TimestampSink(int capacity, int orderCapacity)
    {
        _firstOrder = new long[capacity];
        _ack = new long[capacity];
        _orders = new int[capacity];
        _orderTimes = new long[orderCapacity];
    }

    /// <summary>Input i's first order time (<see cref="Stopwatch"/> ticks), valid when <see cref="OrdersOf"/> &gt; 0.</summary>
    public ReadOnlySpan<long> FirstOrder => _firstOrder.AsSpan(0, _length);

    /// <summary>Input i's ack time, 0 if none arrived.</summary>
    public ReadOnlySpan<long> Ack => _ack.AsSpan(0, _length);

    /// <summary>Orders input i caused.</summary>
    public ReadOnlySpan<int> OrdersOf => _orders.AsSpan(0, _length);

    /// <summary>The time of every order of the run, in emission order.</summary>
    public ReadOnlySpan<long> OrderTimes => _orderTimes.AsSpan(0, Math.Min(_orderCount, _orderTimes.Length));

    /// <summary>Orders seen in the run (may exceed the recorded <see cref="OrderTimes"/>).</summary>
    public int OrderCount => _orderCount;

    /// <summary>Starts a run whose first input will get engine sequence <paramref name="firstSequence"/>.</summary>
    public void Arm(long firstSequence, int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _ack.Length);
        Array.Clear(_firstOrder, 0, length);
        Array.Clear(_ack, 0, length);
        Array.Clear(_orders, 0, length);
        _orderCount = 0;
        _firstSequence = firstSequence;
        Volatile.Write(ref _length, length);
    }

    /// <summary>Keeps the run's stamps readable but records nothing more.</summary>
    public void Disarm() => Volatile.Write(ref _firstSequence, long.MinValue / 2);

    /// <inheritdoc/>
    public void Emit(in EngineEvent e)
    {
        long i = e.InputSequence - _firstSequence;
        if ((ulong)i >= (ulong)_length)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        if (e.Kind == EventKind.LiquidationOrder)
        {
            if (_orders[i]++ == 0)
            {
                _firstOrder[i] = now;
            }

            if (_orderCount < _orderTimes.Length)
            {
                _orderTimes[_orderCount] = now;
            }

            _orderCount++;
        }
        else if (e.Kind == EventKind.Ack)
        {
            _ack[i] = now;
        }
    }
}
