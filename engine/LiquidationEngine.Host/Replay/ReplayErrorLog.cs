using System.Text;
using LiquidationEngine.Feeds;
using LiquidationEngine.Replay;

namespace LiquidationEngine.Host.Replay;

/// <summary>Every bad line of a replay (feed lines and positions rows): written to <c>errors.txt</c> as it is found, so
/// the file holds all of them however many; counted per kind; the first few places of each kind kept for the console
/// and the summary.</summary>
/// <remarks>Thread-safe: feed readers and the book loader may report from different threads.</remarks>
internal sealed class ReplayErrorLog : IFeedErrorSink, IDisposable
{
    /// <summary>Book kinds sort after every feed kind.</summary>
    private const int BookKindOffset = 1000;

    private readonly Lock _gate = new();
    private readonly StreamWriter _file;
    private readonly int _keepPerKind;

    /// <summary>Per kind (feed kinds in enum order, then positions kinds): its count and its first errors.</summary>
    private readonly SortedDictionary<int, Entry> _kinds = [];

    /// <summary>Creates <paramref name="path"/> (replacing it) and keeps the first <paramref name="keepPerKind"/> errors of each kind.</summary>
    public ReplayErrorLog(string path, int keepPerKind)
    {
        _file = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
        _keepPerKind = Math.Max(0, keepPerKind);
    }

    /// <inheritdoc/>
    public void Report(FeedError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Add((int)error.Kind, error.Kind.ToString(), $"{error.File}:{error.Line}", error.ToString());
    }

    /// <summary>Records a rejected positions row.</summary>
    public void Report(BookError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Add(BookKindOffset + (int)error.Kind, "positions " + error.Kind, $"{error.File}:{error.Line}", error.ToString());
    }

    /// <summary>Count per kind, in kind order.</summary>
    public List<(string Kind, long Count)> Counts()
    {
        lock (_gate)
        {
            return [.. _kinds.Values.Select(e => (e.Name, e.Count))];
        }
    }

    /// <summary>The first places (<c>file:line</c>) of each kind, in kind order.</summary>
    public List<(string Kind, IReadOnlyList<string> Places)> FirstPlaces()
    {
        lock (_gate)
        {
            return [.. _kinds.Values.Select(e => (e.Name, (IReadOnlyList<string>)[.. e.First.Select(f => f.Place)]))];
        }
    }

    /// <summary>The first errors of each kind in full (<c>file:line: Kind: reason</c>), in kind order.</summary>
    public List<string> FirstErrors()
    {
        lock (_gate)
        {
            return [.. _kinds.Values.SelectMany(e => e.First.Select(f => f.Text))];
        }
    }

    /// <summary>Flushes errors.txt.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            _file.Flush();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _file.Dispose();
        }
    }

    private void Add(int order, string name, string place, string text)
    {
        lock (_gate)
        {
            _file.WriteLine(text);
            if (!_kinds.TryGetValue(order, out Entry? entry))
            {
                entry = new Entry(name);
                _kinds[order] = entry;
            }

            entry.Count++;
            if (entry.First.Count < _keepPerKind)
            {
                entry.First.Add((place, text));
            }
        }
    }

    private sealed class Entry(string name)
    {
        public string Name { get; } = name;

        public long Count { get; set; }

        public List<(string Place, string Text)> First { get; } = [];
    }
}
