using System.Globalization;
using LiquidationEngine.Instruments;
using LiquidationEngine.State;

namespace LiquidationEngine.Persistence;

/// <summary>A snapshot file found on disk.</summary>
/// <param name="Path">Full path.</param>
/// <param name="Sequence">The ring sequence it is consistent at (from its name; the content is checked on load).</param>
public readonly record struct SnapshotFile(string Path, long Sequence);

/// <summary>
/// Snapshot files in a directory: written atomically (temp file, fsync, rename), loaded newest-valid-first, pruned
/// to the newest few. Names are <c>snapshot-{sequence:D20}.lqs</c>, so they sort by sequence.
/// </summary>
public sealed class SnapshotStore
{
    private const string Prefix = "snapshot-";
    private const string Extension = ".lqs";

    /// <summary>Uses (and creates) <paramref name="directory"/>.</summary>
    public SnapshotStore(string directory)
    {
        Directory.CreateDirectory(directory);
        DirectoryPath = directory;
    }

    /// <summary>The snapshot directory.</summary>
    public string DirectoryPath { get; }

    /// <summary>Serializes the state on the calling thread (the writer's, so it is consistent at <paramref name="sequence"/>).</summary>
    public static byte[] Serialize(EngineState state, long sequence) => EngineSnapshot.Serialize(state, sequence);

    /// <summary>Writes serialized snapshot bytes atomically; returns the final path.</summary>
    public string Persist(ReadOnlySpan<byte> bytes, long sequence)
    {
        string path = Path.Combine(DirectoryPath, FileName(sequence));
        string temp = path + ".tmp";
        using (var f = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            f.Write(bytes);
            f.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        return path;
    }

    /// <summary>The snapshots on disk, newest first (leftover temp files are ignored).</summary>
    public IReadOnlyList<SnapshotFile> List()
    {
        var result = new List<SnapshotFile>();
        foreach (string file in Directory.GetFiles(DirectoryPath, Prefix + "*" + Extension))
        {
            string name = Path.GetFileNameWithoutExtension(file);
            if (long.TryParse(name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long sequence))
            {
                result.Add(new SnapshotFile(file, sequence));
            }
        }

        result.Sort((a, b) => b.Sequence.CompareTo(a.Sequence));
        return result;
    }

    /// <summary>Loads a snapshot file; throws <see cref="InvalidDataException"/> when it is torn, corrupt or for another catalog.</summary>
    public static EngineState Load(SnapshotFile file, InstrumentCatalog catalog, int minPositionCapacity, int accountCapacity = 1024, int openOrderCapacity = 4096)
    {
        using var f = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read);
        EngineState state;
        long sequence;
        try
        {
            state = EngineSnapshot.Read(f, catalog, out sequence, minPositionCapacity, accountCapacity, openOrderCapacity);
        }
        catch (CatalogMismatchException ex)
        {
            throw new CatalogMismatchException($"snapshot {file.Path}", ex.Changes);
        }

        if (sequence != file.Sequence)
        {
            throw new InvalidDataException($"{file.Path}: holds sequence {sequence}, its name says {file.Sequence}");
        }

        return state;
    }

    /// <summary>Deletes all but the newest <paramref name="retain"/> snapshots (and stale temp files); returns the oldest kept sequence, or -1.</summary>
    public long Prune(int retain)
    {
        IReadOnlyList<SnapshotFile> all = List();
        for (int i = retain; i < all.Count; i++)
        {
            File.Delete(all[i].Path);
        }

        foreach (string temp in Directory.GetFiles(DirectoryPath, Prefix + "*" + Extension + ".tmp"))
        {
            File.Delete(temp);
        }

        return all.Count == 0 ? -1 : all[Math.Min(retain, all.Count) - 1].Sequence;
    }

    /// <summary>The file name of the snapshot at <paramref name="sequence"/>.</summary>
    public static string FileName(long sequence) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{sequence:D20}{Extension}");
}
