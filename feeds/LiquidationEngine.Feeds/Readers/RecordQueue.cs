using System.Diagnostics;

namespace LiquidationEngine.Feeds;

/// <summary>The records a reader has produced but not yet handed out, kept sorted by timestamp (stable: equal
/// timestamps keep insertion order).</summary>
/// <remarks>Usually holds zero or one record. It grows only while a funding settlement may still be inserted before
/// already-read marks (see <see cref="SettlementSequencer"/>).</remarks>
internal sealed class RecordQueue
{
    /// <summary>Records in [<see cref="_head"/>, <see cref="_tail"/>), sorted by timestamp.</summary>
    private FeedRecord[] _items = new FeedRecord[16];

    /// <summary>Index of the oldest record.</summary>
    private int _head;

    /// <summary>One past the newest record.</summary>
    private int _tail;

    public int Count => _tail - _head;

    /// <summary>Timestamp of the oldest record; only valid when <see cref="Count"/> &gt; 0.</summary>
    public long HeadTimestamp => _items[_head].TimestampUs;

    /// <summary>Inserts after every record with a timestamp at or before <paramref name="record"/>'s (O(1) when it is the newest).</summary>
    public void Insert(in FeedRecord record)
    {
        if (_tail == _items.Length)
        {
            MakeRoom();
        }

        int position = _tail;
        while (position > _head && _items[position - 1].TimestampUs > record.TimestampUs)
        {
            position--;
        }

        if (position < _tail)
        {
            Array.Copy(_items, position, _items, position + 1, _tail - position);
        }

        _items[position] = record;
        _tail++;
    }

    public FeedRecord Dequeue()
    {
        Debug.Assert(Count > 0, "Dequeue on an empty queue");
        FeedRecord record = _items[_head];
        _items[_head] = default;
        _head++;
        if (_head == _tail)
        {
            _head = _tail = 0;
        }

        return record;
    }

    private void MakeRoom()
    {
        if (_head > 0)
        {
            Array.Copy(_items, _head, _items, 0, Count);
            Array.Clear(_items, Count, _head);
            _tail -= _head;
            _head = 0;
        }
        else
        {
            Array.Resize(ref _items, _items.Length * 2);
        }
    }
}
