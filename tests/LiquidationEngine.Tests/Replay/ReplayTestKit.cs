using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using LiquidationEngine.Host.Replay;
using LiquidationEngine.Instruments;

namespace LiquidationEngine.Tests.Replay;

/// <summary>A directory under the temp folder, deleted with everything in it on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "liq-replay-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes a text file (LF line ends) and returns its path.</summary>
    public string Write(string name, string content)
    {
        string path = File(name);
        System.IO.File.WriteAllText(path, content.Replace("\r\n", "\n", StringComparison.Ordinal), new UTF8Encoding(false));
        return path;
    }

    /// <summary>Writes gzip-compressed text and returns its path.</summary>
    public string WriteGzip(string name, string content, int cutBytes = 0)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(content));
        }

        byte[] bytes = buffer.ToArray();
        string path = File(name);
        System.IO.File.WriteAllBytes(path, bytes[..(bytes.Length - cutBytes)]);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder fails nothing.
        }
    }
}

/// <summary>Runs replays the way the command line does, with test-friendly defaults, and reads their outputs.</summary>
internal static class ReplayTestKit
{
    /// <summary>The real instruments config, copied next to the test binaries.</summary>
    public static string InstrumentsPath { get; } = Path.Combine(AppContext.BaseDirectory, "config", "instruments.json");

    public static InstrumentCatalog Catalog { get; } = InstrumentCatalog.Load(InstrumentsPath);

    /// <summary>Options writing to <paramref name="output"/>, blocking waits (no spinning in tests), no HTML report.</summary>
    public static ReplayOptions Options(string output) => new()
    {
        InstrumentsPath = InstrumentsPath,
        OutputDirectory = output,
        Plain = true,
        WaitStrategy = "blocking",
        NoReport = true,
    };

    /// <summary>Runs a replay; returns the outcome and everything it printed.</summary>
    public static (ReplayOutcome Outcome, string Printed) Run(ReplayOptions options)
    {
        using var printed = new StringWriter();
        ReplayOutcome outcome = ReplayCommand.Execute(options, printed);
        return (outcome, printed.ToString());
    }

    /// <summary>The rows of a liquidations CSV, as column → text.</summary>
    public static List<Dictionary<string, string>> ReadCsv(string path)
    {
        string[] lines = File.ReadAllLines(path);
        string[] header = lines[0].Split(',');
        var rows = new List<Dictionary<string, string>>();
        foreach (string line in lines.Skip(1))
        {
            string[] fields = line.Split(',');
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < header.Length; i++)
            {
                row[header[i]] = fields[i];
            }

            rows.Add(row);
        }

        return rows;
    }

    public static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
