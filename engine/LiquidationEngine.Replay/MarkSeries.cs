namespace LiquidationEngine.Replay;

/// <summary>One time bucket of a <see cref="MarkSeries"/>: first, lowest, highest and last mark, with their times.</summary>
/// <param name="FirstUs">Time of the first mark in the bucket.</param>
/// <param name="First">First mark, raw.</param>
/// <param name="MinUs">Time of the lowest mark.</param>
/// <param name="Min">Lowest mark, raw.</param>
/// <param name="MaxUs">Time of the highest mark.</param>
/// <param name="Max">Highest mark, raw.</param>
/// <param name="LastUs">Time of the last mark.</param>
/// <param name="Last">Last mark, raw.</param>
public readonly record struct MarkBucket(long FirstUs, long First, long MinUs, long Min, long MaxUs, long Max, long LastUs, long Last);

/// <summary>
/// The marks of one instrument, kept for the report's chart in bounded memory: marks fall into equal time buckets that
/// keep their first, lowest, highest and last values; when there are more than <see cref="MaxBuckets"/> buckets, the
/// width doubles and neighbours merge. A crash's low survives any amount of thinning.
/// </summary>
public sealed class MarkSeries
{
    /// <summary>Bucket count above which the width doubles.</summary>
    public const int MaxBuckets = 2048;

    private readonly List<MarkBucket> _buckets = [];
    private long _originUs;
    private long _widthUs = 1_000_000;
    private long _lastIndex = -1;

    /// <summary>Creates an empty series for an instrument index.</summary>
    public MarkSeries(int instrument) => Instrument = instrument;

    /// <summary>Instrument index.</summary>
    public int Instrument { get; }

    /// <summary>Marks added.</summary>
    public long Count { get; private set; }

    /// <summary>The buckets, oldest first.</summary>
    public IReadOnlyList<MarkBucket> Buckets => _buckets;

    /// <summary>Adds a mark; times must not decrease.</summary>
    public void Add(long timestampUs, long mark)
    {
        if (Count++ == 0)
        {
            _originUs = timestampUs;
        }

        long index = Math.Max(0, (timestampUs - _originUs) / _widthUs);
        if (index == _lastIndex && _buckets.Count > 0)
        {
            MarkBucket b = _buckets[^1];
            _buckets[^1] = b with
            {
                MinUs = mark < b.Min ? timestampUs : b.MinUs,
                Min = Math.Min(mark, b.Min),
                MaxUs = mark > b.Max ? timestampUs : b.MaxUs,
                Max = Math.Max(mark, b.Max),
                LastUs = timestampUs,
                Last = mark,
            };
            return;
        }

        _buckets.Add(new MarkBucket(timestampUs, mark, timestampUs, mark, timestampUs, mark, timestampUs, mark));
        _lastIndex = index;
        if (_buckets.Count > MaxBuckets)
        {
            Coarsen();
        }
    }

    /// <summary>The points to draw, in time order: each bucket's first, low and high (in the order they happened) and last.</summary>
    public IEnumerable<(long TimestampUs, long Mark)> Points()
    {
        foreach (MarkBucket b in _buckets)
        {
            yield return (b.FirstUs, b.First);
            if (b.MinUs <= b.MaxUs)
            {
                yield return (b.MinUs, b.Min);
                yield return (b.MaxUs, b.Max);
            }
            else
            {
                yield return (b.MaxUs, b.Max);
                yield return (b.MinUs, b.Min);
            }

            yield return (b.LastUs, b.Last);
        }
    }

    private void Coarsen()
    {
        _widthUs *= 2;
        var merged = new List<MarkBucket>(_buckets.Count / 2 + 1);
        long currentIndex = -1;
        foreach (MarkBucket b in _buckets)
        {
            long index = (b.FirstUs - _originUs) / _widthUs;
            if (index == currentIndex)
            {
                MarkBucket m = merged[^1];
                merged[^1] = new MarkBucket(
                    m.FirstUs,
                    m.First,
                    b.Min < m.Min ? b.MinUs : m.MinUs,
                    Math.Min(b.Min, m.Min),
                    b.Max > m.Max ? b.MaxUs : m.MaxUs,
                    Math.Max(b.Max, m.Max),
                    b.LastUs,
                    b.Last);
            }
            else
            {
                merged.Add(b);
                currentIndex = index;
            }
        }

        _buckets.Clear();
        _buckets.AddRange(merged);
        _lastIndex = currentIndex;
    }
}
