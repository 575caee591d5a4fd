using System.Globalization;
using LiteDB;

namespace Siampain.Storage;

/// <summary>What happened to a damaged database file at start.</summary>
/// <param name="Problem">Why the file was judged damaged.</param>
/// <param name="SetAsidePath">Where the damaged file is kept, untouched, for a technician.</param>
/// <param name="RecoveredDocuments">Documents copied into the new file.</param>
/// <param name="PartialCollections">Collections in which some documents could not be read.</param>
public sealed record RecoveryReport(string Problem, string SetAsidePath, int RecoveredDocuments, IReadOnlyList<string> PartialCollections);

/// <summary>
/// Finds a damaged or half-written database at start, moves it aside under a timestamped name and copies what can
/// still be read into a fresh file. LiteDB's own rebuild is not used: it works on file names only and has known
/// bugs with larger indexed collections.
/// </summary>
internal static class DatabaseRecovery
{
    internal delegate OpenedDatabase Opener(string dataPath, string logPath);

    /// <summary>Null when the file opens and every document reads back; otherwise what is wrong.</summary>
    public static string? FindDamage(string path, string logPath, Opener open)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var length = new FileInfo(path).Length;
        if (length % SiampainDatabase.PageSize != 0)
        {
            // LiteDB would silently cut the partial page off (or, under one page, start an empty database over it).
            return $"half-written: {length} bytes is not a whole number of {SiampainDatabase.PageSize}-byte pages";
        }

        try
        {
            using var opened = open(path, logPath);
            ReadEverything(opened.Db);

            return null;
        }
        catch (StorageException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Garbage in a page surfaces as LiteException, InvalidCastException, IndexOutOfRange, ... from deep inside.
            return $"unreadable: {e.GetType().Name}: {e.Message}";
        }
    }

    public static RecoveryReport Recover(string path, string logPath, string problem, DateTimeOffset now, Opener open)
    {
        var stamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var setAside = $"{path}.damaged-{stamp}";
        var setAsideLog = $"{logPath}.damaged-{stamp}";
        File.Move(path, setAside);
        if (File.Exists(logPath))
        {
            File.Move(logPath, setAsideLog);
        }

        // LiteDB may write while opening (log replay, a partial page cut off), so read from copies and keep the
        // damaged files exactly as they were found.
        var salvage = $"{path}.salvage";
        var salvageLog = SiampainDatabase.LogPathOf(salvage);
        File.Copy(setAside, salvage, overwrite: true);
        if (File.Exists(setAsideLog))
        {
            File.Copy(setAsideLog, salvageLog, overwrite: true);
        }

        try
        {
            var (documents, partial) = Salvage(salvage, salvageLog, path, logPath, open);
            return new RecoveryReport(problem, setAside, documents, partial);
        }
        finally
        {
            File.Delete(salvage);
            File.Delete(salvageLog);
        }
    }

    private static (int Documents, List<string> Partial) Salvage(string salvage, string salvageLog, string path, string logPath, Opener open)
    {
        var recovered = new Dictionary<string, Dictionary<BsonValue, BsonDocument>>(StringComparer.Ordinal);
        var partial = new List<string>();
        List<string> names;
        try
        {
            using var opened = open(salvage, salvageLog);
            names = opened.Db.GetCollectionNames().ToList();
        }
        catch (Exception e) when (e is not StorageException and not OutOfMemoryException)
        {
            // Not even the list of collections can be read (the header itself is gone): start empty.
            names = [];
            partial.Add("(database header)");
        }

        foreach (var name in names)
        {
            var documents = new Dictionary<BsonValue, BsonDocument>();
            recovered[name] = documents;

            // A damaged page stops a scan where it lies; reading from both ends keeps what is on either side.
            // LiteDB shuts its engine down at the first damaged page, so every scan gets a fresh one.
            if (!TryScan(salvage, salvageLog, open, name, Query.Ascending, documents))
            {
                TryScan(salvage, salvageLog, open, name, Query.Descending, documents);
                partial.Add(name);
            }
        }

        using (var opened = open(path, logPath))
        {
            var target = opened.Db;
            target.BeginTrans();
            foreach (var (name, documents) in recovered)
            {
                var collection = target.GetCollection(name);
                foreach (var document in documents.Values)
                {
                    collection.Upsert(document);
                }
            }

            target.Commit();
            target.Checkpoint();
        }

        return (recovered.Values.Sum(d => d.Count), partial);
    }

    private static bool TryScan(string salvage, string salvageLog, Opener open, string name, int order, Dictionary<BsonValue, BsonDocument> into)
    {
        try
        {
            using var opened = open(salvage, salvageLog);
            foreach (var document in opened.Db.GetCollection(name).Find(Query.All("_id", order)))
            {
                into.TryAdd(document["_id"], document);
            }

            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }

    private static void ReadEverything(LiteDatabase db)
    {
        foreach (var name in db.GetCollectionNames().ToList())
        {
            foreach (var document in db.GetCollection(name).FindAll())
            {
                _ = document;
            }
        }
    }
}
