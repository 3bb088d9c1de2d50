using System.Globalization;

namespace LiquidationEngine.Persistence;

/// <summary>Journal damage (not a torn tail): the file and the byte offset where it starts.</summary>
public sealed class JournalDamageException : IOException
{
    /// <summary>Creates the exception.</summary>
    public JournalDamageException(string path, long offset, string reason)
        : base($"{path}: offset {offset}: {reason} (journal damage; acked inputs may be at stake, so start-up stops. "
            + "docs/OPERATIONS.md 'Repair': --Journal:Repair=true keeps the records before it and moves the rest aside)")
    {
        Path = path;
        Offset = offset;
        Reason = reason;
    }

    /// <summary>Creates the exception.</summary>
    public JournalDamageException()
    {
        Path = string.Empty;
        Reason = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    public JournalDamageException(string message)
        : base(message)
    {
        Path = string.Empty;
        Reason = message;
    }

    /// <summary>Creates the exception.</summary>
    public JournalDamageException(string message, Exception inner)
        : base(message, inner)
    {
        Path = string.Empty;
        Reason = message;
    }

    /// <summary>The damaged segment.</summary>
    public string Path { get; }

    /// <summary>Byte offset of the damage in <see cref="Path"/> (0: its header).</summary>
    public long Offset { get; }

    /// <summary>What is wrong there.</summary>
    public string Reason { get; }
}

/// <summary>Repair on request: nothing is deleted; damaged or cut-off bytes go to <c>journal/aside/</c>.</summary>
public static class JournalRepair
{
    /// <summary>The folder, inside the journal directory, that repaired-away files go to.</summary>
    public const string AsideFolder = "aside";

    /// <summary>Keeps the journal up to its first damage and moves the rest aside: a copy of the damaged segment, the
    /// segment cut at the damage (or moved whole when its header is bad), and every later segment. Repeats until the
    /// journal reads clean.</summary>
    /// <param name="directory">The journal directory.</param>
    /// <param name="template">The engine shape segment headers record (capacities, catalog counts). A segment whose
    /// only damage is its header, and whose first record is intact, gets its header rewritten from this and that
    /// record's sequence, so no record is lost.</param>
    /// <returns>One line per action, for the log; empty when there was no damage.</returns>
    public static IReadOnlyList<string> Repair(string directory, JournalSegmentHeader? template = null)
    {
        var actions = new List<string>();
        for (int round = 0; round < 64; round++)
        {
            try
            {
                _ = JournalReader.ReadAll(directory, out _, repair: true);
                return actions;
            }
            catch (JournalDamageException damage)
            {
                string[] files = Directory.GetFiles(directory, "journal-*.lqj");
                Array.Sort(files, StringComparer.Ordinal);
                int at = Array.IndexOf(files, damage.Path);
                if (damage.Offset == 0 && template is { } shape && TryRewriteHeader(damage.Path, shape) is { } copyOfHeader)
                {
                    actions.Add($"rewrote the header of {damage.Path} from its first record (the old file is kept as {copyOfHeader}): {damage.Reason}");
                    continue;
                }

                if (damage.Offset == 0)
                {
                    actions.Add($"moved {damage.Path} aside to {MoveAside(damage.Path, "damaged")}: {damage.Reason}");
                }
                else
                {
                    string copy = CopyAside(damage.Path, "damaged");
                    long records = (new FileInfo(damage.Path).Length - damage.Offset) / JournalRecord.Size;
                    Truncate(damage.Path, damage.Offset);
                    actions.Add($"cut {damage.Path} at offset {damage.Offset} (about {records} records after it; the whole file is kept as {copy}): {damage.Reason}");
                }

                for (int i = at + 1; i < files.Length; i++)
                {
                    actions.Add($"moved {files[i]} aside to {MoveAside(files[i], "after-damage")}: it follows the damage");
                }
            }
        }

        throw new InvalidDataException($"{directory}: journal still damaged after 64 repairs");
    }

    /// <summary>Moves a file into <c>aside/</c>, named with its reason and the time; returns the new path.</summary>
    public static string MoveAside(string path, string reason)
    {
        string target = AsidePath(path, reason);
        File.Move(path, target);
        return target;
    }

    /// <summary>Keeps the bytes from <paramref name="offset"/> to the end in <c>aside/</c>, then cuts the file there.</summary>
    public static string CutAside(string path, long offset, string reason)
    {
        string target = AsidePath(path, reason);
        using (var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var aside = new FileStream(target, FileMode.CreateNew, FileAccess.Write))
        {
            source.Position = offset;
            source.CopyTo(aside);
            aside.Flush(flushToDisk: true);
        }

        Truncate(path, offset);
        return target;
    }

    // A bad header over intact records: write a new one from the first record's sequence. Returns the copy's path, or
    // null when the header is not the only problem (the first record is bad too, or the header is fine).
    private static string? TryRewriteHeader(string path, JournalSegmentHeader shape)
    {
        byte[] head = new byte[JournalSegmentHeader.Size + JournalRecord.Size];
        int got;
        using (var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            got = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (JournalSegmentHeader.TryRead(head.AsSpan(0, got), out _))
        {
            return null;
        }

        // The first record says where the header ended, and so its version.
        JournalSegmentHeader? rebuilt = null;
        foreach (JournalSegmentHeader candidate in new[] { shape with { FormatVersion = 2 }, shape with { FormatVersion = 1, CatalogHash = 0 } })
        {
            if (got >= candidate.RecordsStart + JournalRecord.Size
                && JournalRecord.TryRead(head.AsSpan(candidate.RecordsStart), out _, out long first))
            {
                rebuilt = candidate with { FirstSequence = first };
                break;
            }
        }

        if (rebuilt is not { } header)
        {
            return null;
        }

        string copy = CopyAside(path, "bad-header");
        header.Write(head);
        using (var w = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read))
        {
            w.Write(head.AsSpan(0, header.RecordsStart));
            w.Flush(flushToDisk: true);
        }

        return copy;
    }

    private static string CopyAside(string path, string reason)
    {
        string target = AsidePath(path, reason);
        File.Copy(path, target);
        return target;
    }

    private static void Truncate(string path, long length)
    {
        using var w = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read);
        w.SetLength(length);
        w.Flush(flushToDisk: true);
    }

    private static string AsidePath(string path, string reason)
    {
        string folder = Path.Combine(Path.GetDirectoryName(path)!, AsideFolder);
        Directory.CreateDirectory(folder);
        string stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        string target = Path.Combine(folder, $"{Path.GetFileName(path)}.{reason}.{stamp}");
        for (int n = 1; File.Exists(target); n++)
        {
            target = Path.Combine(folder, $"{Path.GetFileName(path)}.{reason}.{stamp}.{n}");
        }

        return target;
    }
}
