using Siampain.Attendance;
using Siampain.Storage;

namespace Siampain.Tests.Durability;

/// <summary>
/// What a database file holds right now, read from a copy of its files (opening the file itself would replay its
/// log and change what the next start of the terminal finds).
/// </summary>
internal sealed record DatabaseSnapshot(long LastSequence, IReadOnlySet<long> Pending, IReadOnlyList<Delivery> Records, RecoveryReport? Recovery)
{
    public static DatabaseSnapshot Read(string databasePath)
    {
        var folder = Directory.CreateTempSubdirectory("siampain-snapshot-").FullName;
        try
        {
            var copy = Path.Combine(folder, Path.GetFileName(databasePath));
            File.Copy(databasePath, copy);
            var log = SiampainDatabase.LogPathOf(databasePath);
            if (File.Exists(log))
            {
                File.Copy(log, SiampainDatabase.LogPathOf(copy));
            }

            using var db = new SiampainDatabase(new StorageOptions { Path = copy }, TimeProvider.System);
            using var outbox = new LiteOutbox(db, new OutboxOptions());
            var last = db.Collection<MetaDocument>(LiteOutbox.MetaCollectionName).FindById(LiteOutbox.SequenceKey)?.Value ?? 0;
            var pending = outbox.PeekPending(int.MaxValue).Select(m => m.Sequence).ToHashSet();
            var records = new AttendanceStore(db).Records.FindAll().Select(r => new Delivery(r.Sequence, r.EventId)).OrderBy(r => r.Seq).ToList();
            return new DatabaseSnapshot(last, pending, records, db.Recovery);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
