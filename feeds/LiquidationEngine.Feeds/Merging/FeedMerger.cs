namespace LiquidationEngine.Feeds;

/// <summary>Merges several readers (files, instruments) into one stream in timestamp order.</summary>
/// <remarks>
/// <para>A k-way merge: a small binary heap holds the next record of each input, keyed by (timestamp, input
/// position), so records with equal timestamps come out in the order the inputs were given, and each input's own
/// order is kept. Memory is one record per input; nothing is read ahead beyond that.</para>
/// <para>Each input must be in timestamp order, which every <see cref="FeedReader"/> guarantees.</para>
/// </remarks>
public sealed class FeedMerger : IFeedReader
{
    /// <summary>The inputs, in the order given (their position breaks timestamp ties).</summary>
    private readonly IFeedReader[] _inputs;

    /// <summary>Whether <see cref="Dispose"/> disposes the inputs.</summary>
    private readonly bool _disposeInputs;

    /// <summary>The next record of each input in the heap, by input position.</summary>
    private readonly FeedRecord[] _heads;

    /// <summary>Binary min-heap of input positions, ordered by (head timestamp, position).</summary>
    private readonly int[] _heap;

    /// <summary>Inputs in the heap.</summary>
    private int _heapCount;

    private bool _started;
    private bool _disposed;

    /// <summary>Merges <paramref name="inputs"/>; ties in timestamp go to the earlier input in this sequence.</summary>
    /// <param name="inputs">The readers to merge.</param>
    /// <param name="disposeInputs">Dispose the inputs when the merger is disposed (default).</param>
    public FeedMerger(IEnumerable<IFeedReader> inputs, bool disposeInputs = true)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        _inputs = [.. inputs];
        foreach (IFeedReader input in _inputs)
        {
            ArgumentNullException.ThrowIfNull(input, nameof(inputs));
        }

        _disposeInputs = disposeInputs;
        _heads = new FeedRecord[_inputs.Length];
        _heap = new int[_inputs.Length];
    }

    /// <summary>The sum of the inputs' statistics.</summary>
    public FeedReaderStatistics Statistics
    {
        get
        {
            var total = default(FeedReaderStatistics);
            foreach (IFeedReader input in _inputs)
            {
                total += input.Statistics;
            }

            return total;
        }
    }

    /// <inheritdoc/>
    public bool TryRead(out FeedRecord record)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_started)
        {
            _started = true;
            for (int i = 0; i < _inputs.Length; i++)
            {
                if (_inputs[i].TryRead(out _heads[i]))
                {
                    _heap[_heapCount++] = i;
                    SiftUp(_heapCount - 1);
                }
            }
        }

        if (_heapCount == 0)
        {
            record = default;
            return false;
        }

        int top = _heap[0];
        record = _heads[top];
        if (_inputs[top].TryRead(out _heads[top]))
        {
            SiftDown(0);
        }
        else
        {
            _heads[top] = default;
            _heap[0] = _heap[--_heapCount];
            if (_heapCount > 0)
            {
                SiftDown(0);
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_disposeInputs)
        {
            foreach (IFeedReader input in _inputs)
            {
                input.Dispose();
            }
        }
    }

    /// <summary>Heap order: earlier timestamp first, then earlier input.</summary>
    private bool Before(int a, int b)
    {
        long ta = _heads[a].TimestampUs;
        long tb = _heads[b].TimestampUs;
        return ta < tb || (ta == tb && a < b);
    }

    private void SiftUp(int position)
    {
        int item = _heap[position];
        while (position > 0)
        {
            int parent = (position - 1) / 2;
            if (!Before(item, _heap[parent]))
            {
                break;
            }

            _heap[position] = _heap[parent];
            position = parent;
        }

        _heap[position] = item;
    }

    private void SiftDown(int position)
    {
        int item = _heap[position];
        while (true)
        {
            int child = (2 * position) + 1;
            if (child >= _heapCount)
            {
                break;
            }

            if (child + 1 < _heapCount && Before(_heap[child + 1], _heap[child]))
            {
                child++;
            }

            if (!Before(_heap[child], item))
            {
                break;
            }

            _heap[position] = _heap[child];
            position = child;
        }

        _heap[position] = item;
    }
}
