using System.Globalization;

namespace LiquidationEngine.Persistence;

/// <summary>One daemon per data directory: an exclusive lock on <c>daemon.lock</c>, held for the process's life.</summary>
/// <remarks>The lock is <c>flock(LOCK_EX)</c> (what .NET takes for <see cref="FileShare.None"/> on Unix), so the kernel
/// drops it when the holder exits, even on <c>kill -9</c>: no stale lock to clean up. The holder's PID goes to
/// <c>daemon.pid</c> beside it, because a locked file cannot be read by another .NET process.</remarks>
public sealed class DataDirectoryLock : IDisposable
{
    /// <summary>The lock file's name in the data directory.</summary>
    public const string FileName = "daemon.lock";

    /// <summary>The holder's PID file's name in the data directory.</summary>
    public const string PidFileName = "daemon.pid";

    private readonly FileStream _file;

    private DataDirectoryLock(FileStream file, string path)
    {
        _file = file;
        Path = path;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>Takes the lock on <paramref name="directory"/> (created if missing) and records this process's PID.</summary>
    /// <exception cref="DataDirectoryLockedException">Another process holds it.</exception>
    public static DataDirectoryLock Acquire(string directory)
    {
        Directory.CreateDirectory(directory);
        string path = System.IO.Path.Combine(directory, FileName);
        string pidPath = System.IO.Path.Combine(directory, PidFileName);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new DataDirectoryLockedException(directory, path, HolderPid(pidPath), ex);
        }

        string pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        file.SetLength(0);
        file.Write(System.Text.Encoding.ASCII.GetBytes(pid + "\n"));
        file.Flush();
        File.WriteAllText(pidPath + ".tmp", pid + "\n");
        File.Move(pidPath + ".tmp", pidPath, overwrite: true);
        return new DataDirectoryLock(file, path);
    }

    /// <summary>Releases the lock (the kernel also does when the process exits).</summary>
    public void Dispose() => _file.Dispose();

    private static int? HolderPid(string pidPath)
    {
        try
        {
            return int.TryParse(File.ReadAllText(pidPath).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : null;
        }
        catch (IOException)
        {
            return null; // the holder has not written it yet
        }
    }
}

/// <summary>The data directory is locked by another process (<see cref="DataDirectoryLock"/>).</summary>
public sealed class DataDirectoryLockedException : IOException
{
    /// <summary>Creates the exception.</summary>
    public DataDirectoryLockedException(string directory, string lockFile, int? holderPid, Exception inner)
        : base($"data directory {directory} is in use by another daemon (PID {holderPid?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}, holding {lockFile}); stop it first, or give this one another Daemon:DataDirectory", inner)
    {
        HolderPid = holderPid;
    }

    /// <summary>Creates the exception.</summary>
    public DataDirectoryLockedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public DataDirectoryLockedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DataDirectoryLockedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>The PID that holds the lock, if it could be read.</summary>
    public int? HolderPid { get; }
}
