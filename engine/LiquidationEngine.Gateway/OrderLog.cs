using System.Diagnostics;

namespace LiquidationEngine.Gateway;

/// <summary>
/// The bounded log of encoded order and settlement frames, by event sequence, that a reconnecting client resumes from.
/// Filled by the output thread in event order (and by recovery replay before the gateway opens), so a restarted
/// daemon still knows every order the journal can reproduce.
/// </summary>
/// <remarks>Not thread-safe: the gateway guards it with the same lock that guards its broadcast list, so a client's
/// replay and its live stream meet without a gap or a duplicate.</remarks>
public sealed class OrderLog
{
    private readonly long[] _sequences;
    private readonly byte[][] _frames;

    /// <summary>Index of the oldest entry.</summary>
    private int _start;

    /// <summary>Entries held (≤ capacity).</summary>
    private int _count;

    /// <summary>Creates a log keeping the newest <paramref name="capacity"/> entries.</summary>
    public OrderLog(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _sequences = new long[capacity];
        _frames = new byte[capacity][];
    }

    /// <summary>Entries held.</summary>
    public int Count => _count;

    /// <summary>Maximum entries held.</summary>
    public int Capacity => _frames.Length;

    /// <summary>Event sequence of the oldest entry, or 0 when empty.</summary>
    public long Oldest => _count == 0 ? 0 : _sequences[_start];

    /// <summary>Event sequence of the newest entry, or 0 when empty.</summary>
    public long Newest => _count == 0 ? 0 : _sequences[(_start + _count - 1) % _frames.Length];

    /// <summary>The log holds every order and settlement with an event sequence above this (0: all since genesis).</summary>
    /// <remarks>Raised by eviction, and by recovery when it could not reproduce the orders before its snapshot.</remarks>
    public long CompleteAfter { get; private set; }

    /// <summary>Declares that orders at or below <paramref name="eventSequence"/> may be missing (recovery started there).</summary>
    public void MarkCompleteAfter(long eventSequence) => CompleteAfter = Math.Max(CompleteAfter, eventSequence);

    /// <summary>Appends a frame; sequences must increase. Evicts the oldest entry when full. Repeats are ignored.</summary>
    public void Append(long eventSequence, byte[] frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (_count > 0 && eventSequence <= Newest)
        {
            return;
        }

        if (_count == _frames.Length)
        {
            CompleteAfter = Math.Max(CompleteAfter, _sequences[_start]);
            _frames[_start] = [];
            _start = (_start + 1) % _frames.Length;
            _count--;
        }

        int at = (_start + _count) % _frames.Length;
        _sequences[at] = eventSequence;
        _frames[at] = frame;
        _count++;
        Debug.Assert(_count <= _frames.Length, "bounded");
    }

    /// <summary>
    /// The entries after <paramref name="lastSeen"/>, oldest first. <paramref name="gap"/> is true when entries after
    /// <paramref name="lastSeen"/> may have left the log (or predate what recovery could reproduce) and so cannot be replayed.
    /// </summary>
    public List<byte[]> After(long lastSeen, out bool gap)
    {
        var result = new List<byte[]>();
        gap = lastSeen >= 0 && lastSeen < CompleteAfter;
        for (int i = 0; i < _count; i++)
        {
            int at = (_start + i) % _frames.Length;
            if (_sequences[at] > lastSeen)
            {
                result.Add(_frames[at]);
            }
        }

        return result;
    }
}
