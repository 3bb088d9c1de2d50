using System.Diagnostics;
using LiquidationEngine.Contracts;

namespace LiquidationEngine.State;

/// <summary>
/// The newest numbered events (orders, settlements, funding) the writer emitted, kept in the state so a snapshot
/// carries them: a client can resume across a restart that starts from a single snapshot. The gateway's order log is
/// rebuilt from it (then from the journal tail); it is not part of the state hash (it is a record of outputs, and a
/// replay reproduces it).
/// </summary>
/// <remarks>Writer thread only. Pre-allocated: <see cref="Append"/> copies one struct and never allocates.
/// Capacity 0 (the default outside the daemon) disables it: it keeps and claims nothing, and snapshots omit it.</remarks>
public sealed class OrderWindow
{
    /// <summary>Circular storage; entries [_start, _start + _count) modulo the capacity, oldest first, event sequences increasing.</summary>
    private EngineEvent[] _events;
    private int _start;
    private int _count;

    /// <summary>Creates a window of <paramref name="capacity"/> events.</summary>
    public OrderWindow(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _events = new EngineEvent[capacity];
    }

    /// <summary>Events kept at most.</summary>
    public int Capacity => _events.Length;

    /// <summary>Events kept now.</summary>
    public int Count => _count;

    /// <summary>Every numbered event above this sequence is in the window (0: all since genesis). Raised by eviction.</summary>
    public long CompleteAfter { get; set; }

    /// <summary>Keeps a numbered event, evicting the oldest when full.</summary>
    public void Append(in EngineEvent e)
    {
        if (_events.Length == 0)
        {
            return; // disabled: claims nothing
        }

        if (_count == _events.Length)
        {
            CompleteAfter = _events[_start].EventSequence;
            _start = (_start + 1) % _events.Length;
            _count--;
        }

        _events[(_start + _count) % _events.Length] = e;
        _count++;
        Debug.Assert(_count <= _events.Length, "bounded");
    }

    /// <summary>The kept events, oldest first.</summary>
    public IEnumerable<EngineEvent> Events()
    {
        for (int i = 0; i < _count; i++)
        {
            yield return _events[(_start + i) % _events.Length];
        }
    }

    /// <summary>Changes the capacity (at start, to the configured one), keeping the newest events.</summary>
    public void Resize(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        if (capacity == _events.Length)
        {
            return;
        }

        EngineEvent[] kept = [.. Events()];
        int drop = Math.Max(0, kept.Length - capacity);
        if (drop > 0)
        {
            CompleteAfter = Math.Max(CompleteAfter, kept[drop - 1].EventSequence);
        }

        _events = new EngineEvent[capacity];
        _start = 0;
        _count = kept.Length - drop;
        kept.AsSpan(drop).CopyTo(_events);
    }
}
