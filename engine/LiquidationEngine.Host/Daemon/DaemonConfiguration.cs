using System.Globalization;
using System.Net;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using LiquidationEngine.Contracts;
using LiquidationEngine.Gateway;
using LiquidationEngine.Instruments;
using LiquidationEngine.Persistence;
using LiquidationEngine.Protocol;

namespace LiquidationEngine.Host.Daemon;

/// <summary>The daemon's settings, bound and checked (<see cref="DaemonConfiguration.Load"/>).</summary>
public sealed record DaemonConfig(
    DaemonSettings Daemon, EngineSettings Engine, JournalOptions Journal, SnapshotSettings Snapshots, GatewayOptions Gateway, AdminSettings Admin);

/// <summary>Bad configuration: every failure, one line each (<c>Section:Key = value: reason</c>).</summary>
public sealed class DaemonConfigurationException : Exception
{
    /// <summary>Creates the exception from its failures.</summary>
    public DaemonConfigurationException(IReadOnlyList<string> failures)
        : base(string.Join(Environment.NewLine, failures)) => Failures = failures;

    /// <summary>Creates an exception with one failure.</summary>
    public DaemonConfigurationException(string failure)
        : this([failure])
    {
    }

    /// <summary>Creates an exception with no failure listed.</summary>
    public DaemonConfigurationException()
        : this([])
    {
    }

    /// <summary>Creates an exception with one failure and its cause.</summary>
    public DaemonConfigurationException(string failure, Exception innerException)
        : base(failure, innerException) => Failures = [failure];

    /// <summary>Every failure, in section order.</summary>
    public IReadOnlyList<string> Failures { get; }
}

/// <summary>
/// Binds and checks every section of the daemon's configuration before anything is opened, and reports every bad key
/// at once: an unknown key (with the nearest valid one), a value of the wrong type, a value out of its bounds
/// (DataAnnotations, checked by the source-generated validators in DaemonOptions.cs), and the checks no attribute
/// can state (addresses, the catalog file, sizes that must fit the machine's memory).
/// </summary>
public static class DaemonConfiguration
{
    /// <summary>The sections the daemon reads, and the type each binds to. Other top-level sections (Logging, Kestrel,
    /// …) belong to the host and are not checked here.</summary>
    public static readonly IReadOnlyList<(string Section, Type Type)> Sections =
    [
        ("Daemon", typeof(DaemonSettings)),
        ("Engine", typeof(EngineSettings)),
        ("Journal", typeof(JournalOptions)),
        ("Snapshots", typeof(SnapshotSettings)),
        ("Gateway", typeof(GatewayOptions)),
        ("Admin", typeof(AdminSettings)),
    ];

    /// <summary>Open files the daemon needs besides gateway sockets: measured about 230 when idle (runtime, loaded
    /// assemblies, epoll, journal and snapshot files), plus admin connections.</summary>
    private const int FileReserve = 512;

    /// <summary>Fraction of the memory available to this process that the pre-sized rings, state and buffers may take.</summary>
    private const double MemoryBudget = 0.75;

    /// <summary>Binds and checks the daemon's sections.</summary>
    /// <exception cref="DaemonConfigurationException">Anything is wrong; it lists every failure.</exception>
    public static DaemonConfig Load(IConfiguration configuration) => Load(configuration, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);

    /// <summary>Binds and checks, against <paramref name="availableMemoryBytes"/> of memory.</summary>
    /// <exception cref="DaemonConfigurationException">Anything is wrong; it lists every failure.</exception>
    public static DaemonConfig Load(IConfiguration configuration, long availableMemoryBytes)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var failures = new List<string>();
        CheckSectionNames(configuration, failures);
        var config = new DaemonConfig(
            Bind(configuration, "Daemon", new DaemonSettingsValidator(), failures, () => new DaemonSettings()),
            Bind(configuration, "Engine", new EngineSettingsValidator(), failures, () => new EngineSettings()),
            Bind(configuration, "Journal", new JournalOptionsValidator(), failures, () => new JournalOptions()),
            Bind(configuration, "Snapshots", new SnapshotSettingsValidator(), failures, () => new SnapshotSettings()),
            Bind(configuration, "Gateway", new GatewayOptionsValidator(), failures, () => new GatewayOptions()),
            Bind(configuration, "Admin", new AdminSettingsValidator(), failures, () => new AdminSettings()));
        if (failures.Count == 0)
        {
            CheckSemantics(config, availableMemoryBytes, failures);
        }

        return failures.Count == 0 ? config : throw new DaemonConfigurationException(failures);
    }

    /// <summary>The nearest of <paramref name="candidates"/> to <paramref name="name"/> (case-insensitive edit distance).</summary>
    public static string Nearest(string name, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(candidates);
        return candidates.OrderBy(c => EditDistance(name.ToUpperInvariant(), c.ToUpperInvariant())).ThenBy(c => c, StringComparer.Ordinal).First();
    }

    /// <summary>A top-level section one or two edits away from a daemon section is a typo (<c>Gatway:Port</c>).</summary>
    private static void CheckSectionNames(IConfiguration configuration, List<string> failures)
    {
        string[] known = [.. Sections.Select(s => s.Section)];
        foreach (IConfigurationSection top in configuration.GetChildren())
        {
            if (known.Contains(top.Key, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            string nearest = Nearest(top.Key, known);
            if (EditDistance(top.Key.ToUpperInvariant(), nearest.ToUpperInvariant()) <= 2)
            {
                failures.Add($"{top.Key}: unknown section (did you mean {nearest}?)");
            }
        }
    }

    private static T Bind<T>(IConfiguration configuration, string name, IValidateOptions<T> validator, List<string> failures, Func<T> create)
        where T : class
    {
        IConfigurationSection section = configuration.GetSection(name);
        Dictionary<string, PropertyInfo> properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite).ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        var bad = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (IConfigurationSection child in section.GetChildren())
        {
            if (!properties.TryGetValue(child.Key, out PropertyInfo? property))
            {
                failures.Add($"{name}:{child.Key}: unknown key (did you mean {name}:{Nearest(child.Key, properties.Keys.Select(k => properties[k].Name))}?)");
                bad.Add(child.Key);
                continue;
            }

            if (child.Value is null)
            {
                failures.Add($"{name}:{property.Name}: expected a value, found a section");
                bad.Add(child.Key);
                continue;
            }

            // A value with keys under it too (--Gateway:Port=0 --Gateway:Port:Inner=1): the keys would be ignored.
            if (child.GetChildren().FirstOrDefault() is { } nested)
            {
                failures.Add($"{name}:{property.Name}:{nested.Key}: unknown key ({name}:{property.Name} is a value, not a section)");
                bad.Add(child.Key);
                continue;
            }

            try
            {
                _ = child.Get(property.PropertyType);
            }
            catch (InvalidOperationException)
            {
                failures.Add($"{name}:{property.Name} = '{child.Value}': {Expected(property.PropertyType)}");
                bad.Add(child.Key);
            }
        }

        // Bind what converts (the bad keys keep their defaults) and check the bounds of every member not already
        // reported, so one run lists every bad key.
        IConfiguration good = bad.Count == 0
            ? section
            : new ConfigurationBuilder().AddInMemoryCollection(section.GetChildren().Where(c => !bad.Contains(c.Key)).Select(c => new KeyValuePair<string, string?>(c.Key, c.Value))).Build();
        T options = good.Get<T>() ?? create();
        ValidateOptionsResult result = validator.Validate(name, options);
        if (result.Failed)
        {
            foreach (string failure in result.Failures)
            {
                (string member, string reason) = Split(failure);
                if (!bad.Contains(member))
                {
                    string? value = section[member];
                    failures.Add(value is null ? $"{name}:{member}: {reason} (the default does not fit)" : $"{name}:{member} = '{value}': {reason}");
                }
            }
        }

        return options;
    }

    /// <summary>A generated validator's failure, "Section.Member: reason", as the member and a lower-case reason.</summary>
    /// <remarks>The generated copy of <c>[Range]</c> ignores <c>ErrorMessage</c> and says "The field Section.Member must
    /// be between a and b."; the reason keeps only "must be between a and b".</remarks>
    private static (string Member, string Reason) Split(string failure)
    {
        int colon = failure.IndexOf(": ", StringComparison.Ordinal);
        string member = colon < 0 ? string.Empty : failure[..colon];
        member = member[(member.LastIndexOf('.') + 1)..];
        string reason = colon < 0 ? failure : failure[(colon + 2)..];
        const string prefix = "The field ";
        if (reason.StartsWith(prefix, StringComparison.Ordinal) && reason.IndexOf(' ', prefix.Length) is int end and > 0)
        {
            reason = reason[(end + 1)..];
        }

        return (member, reason.TrimEnd('.'));
    }

    private static string Expected(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        Type t when t.IsEnum => $"must be one of {string.Join(", ", Enum.GetNames(t))}",
        Type t when t == typeof(int) => "not a whole number between -2147483648 and 2147483647",
        Type t when t == typeof(long) => "not a whole number",
        Type t when t == typeof(bool) => "must be true or false",
        Type t => $"not a valid {t.Name}",
    };

    /// <summary>The soft limit on open files from /proc/self/limits; null where it cannot be read or is unlimited.</summary>
    private static long? OpenFileLimit()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    string[] parts = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long soft) ? soft : null;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    private static void CheckSemantics(DaemonConfig c, long availableMemoryBytes, List<string> failures)
    {
        if (!IPAddress.TryParse(c.Gateway.Address, out _))
        {
            failures.Add($"Gateway:Address = '{c.Gateway.Address}': not an IP address");
        }

        if (c.Gateway.SharedSecret is { } secret && Encoding.UTF8.GetByteCount(secret) > HelloMessage.MaxSecretBytes)
        {
            failures.Add($"Gateway:SharedSecret: at most {HelloMessage.MaxSecretBytes} bytes of UTF-8");
        }

        if (c.Gateway.Port != 0 && c.Gateway.Port == c.Admin.Port && SameHost(c.Gateway.Address, c.Admin.Address))
        {
            failures.Add($"Gateway:Port = {c.Gateway.Port}: the same port as Admin:Port on the same address");
        }

        string catalogPath = c.Engine.ResolvedInstrumentsPath();
        if (!File.Exists(catalogPath))
        {
            failures.Add($"Engine:InstrumentsPath = '{c.Engine.InstrumentsPath}': file not found (looked for {catalogPath})");
        }
        else
        {
            try
            {
                _ = InstrumentCatalog.Load(catalogPath);
            }
            catch (InstrumentConfigException ex)
            {
                failures.Add($"Engine:InstrumentsPath = '{c.Engine.InstrumentsPath}': {ex.Message}");
            }
        }

        // Out of descriptors, accepts fail on both ports and the runtime itself can fail: refuse up front instead.
        int files = c.Gateway.MaxConnections + c.Gateway.MaxPendingConnections + FileReserve;
        if (OpenFileLimit() is long limit && files > limit)
        {
            failures.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"Gateway:MaxConnections = {c.Gateway.MaxConnections}: with Gateway:MaxPendingConnections = {c.Gateway.MaxPendingConnections} and about {FileReserve} descriptors for the runtime, journal, snapshots and admin connections the daemon needs {files} open files, more than this process's limit of {limit}; raise it (ulimit -n, LimitNOFILE= in deploy/liqengine.service) or lower the two"));
        }

        long need = MemoryNeeded(c);
        long budget = (long)(availableMemoryBytes * MemoryBudget);
        if (need > budget)
        {
            failures.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"Engine: the rings, capacities and gateway buffers need about {Gib(need)} GiB, more than {MemoryBudget:P0} of the {Gib(availableMemoryBytes)} GiB this process may use; lower Engine:RingSize, Engine:OutputRingSize, Engine:PositionCapacity, Engine:AccountCapacity, Engine:OpenOrderCapacity, Gateway:MaxConnections × Gateway:OutboundBufferBytes or Gateway:OrderLogCapacity"));
        }
    }

    /// <summary>A conservative estimate of what the configured sizes pre-allocate or may hold at their limits.</summary>
    private static long MemoryNeeded(DaemonConfig c)
    {
        // Per position: 64 B of slot and index links plus the writer's scratch buffers (perf/README.md: 122.8 B).
        const long perPosition = 128;
        const long perAccount = 96; // main balances of a few assets plus the id map entry
        const long perOpenOrder = 96; // the open-order entry and its map slot
        const long perLoggedFrame = 160; // a numbered frame and its list slot in the order log
        checked
        {
            return ((long)c.Engine.RingSize * Unsafe.SizeOf<EngineCommand>())
                + ((long)c.Engine.OutputRingSize * Unsafe.SizeOf<EngineEvent>())
                + (c.Engine.PositionCapacity * perPosition)
                + (c.Engine.AccountCapacity * perAccount)
                + (c.Engine.OpenOrderCapacity * perOpenOrder)
                + ((long)c.Gateway.MaxConnections * c.Gateway.OutboundBufferBytes)
                + (c.Gateway.OrderLogCapacity * perLoggedFrame)
                + c.Journal.BufferBytes;
        }
    }

    private static bool SameHost(string a, string b)
        => IPAddress.TryParse(a, out IPAddress? x) && IPAddress.TryParse(b, out IPAddress? y) && (x.Equals(y) || x.Equals(IPAddress.Any) || y.Equals(IPAddress.Any));

    private static string Gib(long bytes) => (bytes / (double)(1L << 30)).ToString("F1", CultureInfo.InvariantCulture);

    private static int EditDistance(string a, string b)
    {
        var row = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            row[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }
}
