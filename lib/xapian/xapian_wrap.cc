// The one C++ file of izde: an extern "C" wrapper over Xapian 1.4 with opaque handles.
// Every entry point catches every exception and turns it into an izde_status (see
// map_exception), so no C++ exception ever crosses into C.
#include <izde/xapian.h>

#include <xapian.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <unordered_set>
#include <vector>

struct izde_xstem {
    Xapian::Stem stem;
};
struct izde_xdoc {
    Xapian::Document doc;
};
// The writer always keeps a transaction open: commit() ends it and starts the next, so
// abandon() can throw away exactly the changes since the last commit (outside a transaction
// Xapian would commit them when the database is closed).
struct izde_xwriter {
    Xapian::WritableDatabase db;
};
struct izde_xreader {
    Xapian::Database db;
    // the first database's hidden documents, its own docids ascending (shared with every
    // HiddenSource of a search), and that database's UUID
    std::shared_ptr<const std::vector<Xapian::docid>> hidden =
        std::make_shared<const std::vector<Xapian::docid>>();
    std::string first_uuid;
    // the other databases hold only documents above this id (IZDE_X_META_HIDDEN_FLOOR)
    Xapian::docid hidden_floor = 0;
    bool remote = false; // a database is remote: hidden documents are not applied (below)
};
struct izde_xquery {
    Xapian::Query q;
};

namespace
{

// Counts the values of one slot over every examined match. A value may hold several items
// separated by '\x1f' (an entry's tags), each counted once. With a collapse slot, documents
// sharing a collapse key count once, as they show as one result.
class ListCountSpy : public Xapian::MatchSpy
{
  public:
    ListCountSpy(Xapian::valueno slot, int collapse_slot)
        : slot_(slot), collapse_slot_(collapse_slot)
    {
    }
    void operator()(const Xapian::Document &doc, double) override
    {
        if (collapse_slot_ >= 0) {
            std::string key = doc.get_value(static_cast<Xapian::valueno>(collapse_slot_));
            if (!key.empty() && !seen_.insert(std::move(key)).second)
                return;
        }
        const std::string v = doc.get_value(slot_);
        size_t start = 0;
        while (start <= v.size() && !v.empty()) {
            size_t end = v.find('\x1f', start);
            if (end == std::string::npos)
                end = v.size();
            if (end > start)
                ++counts_[v.substr(start, end - start)];
            start = end + 1;
        }
    }
    std::vector<std::pair<std::string, uint32_t>> sorted() const
    {
        std::vector<std::pair<std::string, uint32_t>> out(counts_.begin(), counts_.end());
        std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) {
            return a.second != b.second ? a.second > b.second : a.first < b.first;
        });
        return out;
    }

  private:
    Xapian::valueno slot_;
    int collapse_slot_;
    std::map<std::string, uint32_t> counts_;
    std::unordered_set<std::string> seen_;
};

using facet_list = std::vector<std::pair<std::string, uint32_t>>;

// Adds count to each item of one facet value (items separated by '\x1f').
void count_items(std::map<std::string, uint32_t> &counts, const std::string &v, size_t from,
                 size_t to, uint32_t count)
{
    while (from < to) {
        size_t end = std::min(v.find('\x1f', from), to);
        if (end > from)
            counts[v.substr(from, end - from)] += count;
        from = end + 1;
    }
}

// Facets from the counts of a facet key slot: each key is "<collapse key>\x1e<value 0>\x1e
// <value 1>..." (one field per facet). A built-in ValueCountMatchSpy counted them, so remote
// shards count theirs and the client sums. With collapsing, the documents sharing a non-empty
// collapse key count once, with the smallest of their keys: the same choice whatever the
// document ids, so one index and its shards agree.
std::vector<facet_list> facets_from_keys(const Xapian::ValueCountMatchSpy &spy, size_t n_facets,
                                         bool collapse)
{
    std::vector<std::map<std::string, uint32_t>> counts(n_facets);
    std::string last_group;
    bool have_group = false;
    // The spy's values come in byte order, so the keys of one story are adjacent and the
    // first of them is the smallest.
    for (auto it = spy.values_begin(); it != spy.values_end(); ++it) {
        const std::string key = *it;
        size_t sep = key.find('\x1e');
        if (sep == std::string::npos)
            continue;
        uint32_t count = it.get_termfreq();
        if (collapse && sep > 0) {
            if (have_group && key.compare(0, sep, last_group) == 0)
                continue;
            last_group.assign(key, 0, sep);
            have_group = true;
            count = 1;
        }
        size_t from = sep + 1;
        for (size_t f = 0; f < n_facets && from <= key.size(); f++) {
            size_t end = std::min(key.find('\x1e', from), key.size());
            count_items(counts[f], key, from, end, count);
            from = end + 1;
        }
    }
    std::vector<facet_list> out;
    for (auto &c : counts) {
        facet_list l(c.begin(), c.end());
        std::sort(l.begin(), l.end(), [](const auto &a, const auto &b) {
            return a.second != b.second ? a.second > b.second : a.first < b.first;
        });
        out.push_back(std::move(l));
    }
    return out;
}

// A remote shard's address: "tcp://HOST:PORT" (HOST may be "[v6]"). False for a local path.
bool parse_remote(const std::string &loc, std::string &host, unsigned &port)
{
    static const std::string scheme = "tcp://";
    if (loc.compare(0, scheme.size(), scheme) != 0)
        return false;
    size_t colon = loc.rfind(':');
    std::string p = colon > scheme.size() ? loc.substr(colon + 1) : "";
    char *end = nullptr;
    unsigned long v = p.empty() ? 0 : std::strtoul(p.c_str(), &end, 10);
    if (p.empty() || *end || v == 0 || v > 65535)
        throw Xapian::InvalidArgumentError("a remote shard is tcp://HOST:PORT, not " + loc);
    host = loc.substr(scheme.size(), colon - scheme.size());
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (host.empty())
        throw Xapian::InvalidArgumentError("a remote shard needs a host: " + loc);
    port = static_cast<unsigned>(v);
    return true;
}

// What to do about a damaged index, said where the damage is found.
const char *const kDamageHint =
    " (roll back to the previous generation, or rebuild the index from its sources)";

izde_status map_exception(izde_error *err)
{
    try {
        throw;
    } catch (const Xapian::DatabaseLockError &e) {
        return izde_error_set(err, IZDE_ERR_DB_LOCKED, "index is locked by another writer: %s",
                              e.get_msg().c_str());
    } catch (const Xapian::DatabaseModifiedError &e) {
        return izde_error_set(err, IZDE_ERR_DB_MODIFIED, "index changed while reading: %s",
                              e.get_msg().c_str());
    } catch (const Xapian::DatabaseNotFoundError &e) {
        return izde_error_set(err, IZDE_ERR_DB_NOT_FOUND, "no index found: %s",
                              e.get_msg().c_str());
    } catch (const Xapian::DatabaseCorruptError &e) {
        return izde_error_set(err, IZDE_ERR_DB_CORRUPT, "index is corrupt: %s%s",
                              e.get_msg().c_str(), kDamageHint);
    } catch (const Xapian::DatabaseVersionError &e) {
        return izde_error_set(err, IZDE_ERR_DB_CORRUPT, "index format not supported: %s",
                              e.get_msg().c_str());
    } catch (const Xapian::DatabaseOpeningError &e) {
        return izde_error_set(err, IZDE_ERR_DB_NOT_FOUND, "cannot open index: %s",
                              e.get_msg().c_str());
    } catch (const Xapian::DatabaseError &e) {
        // With a system error it is the file system (a failed read or write, a full disk);
        // without one Xapian found the files not as the index says ("EOF reading block 2":
        // a table cut short), which is damage.
        if (!e.get_error_string())
            return izde_error_set(err, IZDE_ERR_DB_CORRUPT, "index is corrupt: %s%s",
                                  e.get_msg().c_str(), kDamageHint);
        return izde_error_set(err, IZDE_ERR_IO, "index error: %s (%s)", e.get_msg().c_str(),
                              e.get_error_string());
    } catch (const Xapian::NetworkError &e) {
        // Refused, dropped or timed out (NetworkTimeoutError is one): the shard is down or
        // overloaded, not the request wrong.
        return izde_error_set(err, IZDE_ERR_UNAVAILABLE, "remote shard unavailable: %s",
                              e.get_msg().c_str());
    } catch (const Xapian::InvalidArgumentError &e) {
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "invalid argument: %s",
                              e.get_msg().c_str());
    } catch (const Xapian::Error &e) {
        return izde_error_set(err, IZDE_ERR_INTERNAL, "%s: %s", e.get_type(), e.get_msg().c_str());
    } catch (const std::bad_alloc &) {
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    } catch (const std::exception &e) {
        return izde_error_set(err, IZDE_ERR_INTERNAL, "%s", e.what());
    } catch (...) {
        return izde_error_set(err, IZDE_ERR_INTERNAL, "unknown C++ exception");
    }
}

// A malloc'd copy of s, so C callers free() it. NULL on out of memory.
char *dup_string(const std::string &s, size_t *out_len)
{
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (!p)
        return nullptr;
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    if (out_len)
        *out_len = s.size();
    return p;
}

izde_status give_string(const std::string &s, char **out, size_t *out_len, izde_error *err)
{
    *out = dup_string(s, out_len);
    return *out ? IZDE_OK : izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
}

// ---- hidden documents (IZDE_X_META_HIDDEN): ascending ids, 4 bytes each, little-endian ----

std::vector<Xapian::docid> decode_hidden(const std::string &s)
{
    std::vector<Xapian::docid> ids(s.size() / 4);
    const auto *p = reinterpret_cast<const unsigned char *>(s.data());
    for (size_t i = 0; i < ids.size(); i++, p += 4)
        ids[i] =
            p[0] | (Xapian::docid)p[1] << 8 | (Xapian::docid)p[2] << 16 | (Xapian::docid)p[3] << 24;
    return ids;
}

std::string encode_hidden(const uint32_t *ids, size_t n)
{
    std::string s(n * 4, '\0');
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < 4; b++)
            s[i * 4 + b] = static_cast<char>((ids[i] >> (8 * b)) & 0xff);
    return s;
}

// The hidden documents of the first database of a reader, as a posting list for OP_AND_NOT.
// Xapian runs a search on each database in turn and gives the source each one: the first one
// is known by its UUID (held in memory, unlike its metadata, which each search would read).
class HiddenSource : public Xapian::PostingSource
{
  public:
    HiddenSource(std::shared_ptr<const std::vector<Xapian::docid>> ids, std::string uuid)
        : ids_(std::move(ids)), uuid_(std::move(uuid))
    {
    }
    Xapian::PostingSource *clone() const override
    {
        return new HiddenSource(ids_, uuid_);
    }
    void init(const Xapian::Database &db) override
    {
        end_ = db.get_uuid() == uuid_ ? ids_->size() : 0;
        at_ = 0;
        started_ = false;
    }
    Xapian::doccount get_termfreq_min() const override
    {
        return 0;
    }
    Xapian::doccount get_termfreq_est() const override
    {
        return end_;
    }
    Xapian::doccount get_termfreq_max() const override
    {
        return end_;
    }
    void next(double) override
    {
        if (started_)
            at_++;
        started_ = true;
    }
    void skip_to(Xapian::docid did, double) override
    {
        started_ = true;
        auto from = ids_->begin() + (std::ptrdiff_t)at_, to = ids_->begin() + (std::ptrdiff_t)end_;
        at_ = (size_t)(std::lower_bound(from, to, did) - ids_->begin());
    }
    bool at_end() const override
    {
        return at_ >= end_;
    }
    Xapian::docid get_docid() const override
    {
        return (*ids_)[at_];
    }

  private:
    std::shared_ptr<const std::vector<Xapian::docid>> ids_;
    std::string uuid_;
    size_t at_ = 0, end_ = 0;
    bool started_ = false;
};

// Reads the first database's hidden documents. Not over remote shards: Xapian's remote
// protocol cannot carry HiddenSource, and only local databases written by izde-indexer have a
// delta.
void load_hidden(izde_xreader *r)
{
    if (r->remote)
        return;
    r->hidden = std::make_shared<const std::vector<Xapian::docid>>(
        decode_hidden(r->db.get_metadata(IZDE_X_META_HIDDEN)));
    r->hidden_floor = r->hidden->empty()
                          ? 0
                          : static_cast<Xapian::docid>(strtoul(
                                r->db.get_metadata(IZDE_X_META_HIDDEN_FLOOR).c_str(), nullptr, 10));
    std::string uuid = r->db.get_uuid(); // the databases' UUIDs joined by ':'
    r->first_uuid = uuid.substr(0, uuid.find(':'));
}

// Whether the first database's own document own_did is hidden.
bool hides_own(const izde_xreader *r, Xapian::docid own_did)
{
    return std::binary_search(r->hidden->begin(), r->hidden->end(), own_did);
}

// Whether r's document did is hidden. Xapian interleaves the ids of several databases: the
// first one's document d is (d - 1) * count + 1.
bool is_hidden(const izde_xreader *r, Xapian::docid did)
{
    Xapian::docid n = static_cast<Xapian::docid>(r->db.size());
    return !r->hidden->empty() && (did - 1) % n == 0 && hides_own(r, (did - 1) / n + 1);
}

// Leaves out the hidden documents when their ids cannot be another database's
// (hidden_by_id). Xapian asks a decider only about documents whose weight would place them
// among the results so far, and gives it a document's id within its own database; a
// HiddenSource under OP_AND_NOT is stepped through beside every match, a tenth of the time
// of a search for a frequent word. Estimates scale by the share the decider accepted; a
// search that looks at every match still counts exactly.
class HiddenDecider : public Xapian::MatchDecider
{
  public:
    explicit HiddenDecider(const izde_xreader *r) : r_(r) {}
    bool operator()(const Xapian::Document &doc) const override
    {
        return !hides_own(r_, doc.get_docid());
    }

  private:
    const izde_xreader *r_;
};

// Whether r's hidden documents are told by their own ids: every other database's documents
// are above the last of them, and only the first database and its delta are read.
bool hidden_by_id(const izde_xreader *r)
{
    return !r->hidden->empty() && r->db.size() <= 2 && r->hidden->back() <= r->hidden_floor;
}

// A reader of db with its hidden documents: what every izde_xreader_open* gives.
izde_status give_reader(Xapian::Database db, bool remote, izde_xreader **out_reader)
{
    auto r = std::make_unique<izde_xreader>();
    r->db = std::move(db);
    r->remote = remote;
    load_hidden(r.get());
    *out_reader = r.release();
    return IZDE_OK;
}

// The documents of r that are not hidden.
Xapian::doccount live_doccount(const izde_xreader *r)
{
    Xapian::doccount all = r->db.get_doccount(), hidden = (Xapian::doccount)r->hidden->size();
    return all > hidden ? all - hidden : 0;
}

izde_xquery *wrap(Xapian::Query q)
{
    return new izde_xquery{std::move(q)};
}

Xapian::Query::op to_xapian_op(izde_xop op)
{
    switch (op) {
    case IZDE_XOP_AND:
        return Xapian::Query::OP_AND;
    case IZDE_XOP_OR:
        return Xapian::Query::OP_OR;
    case IZDE_XOP_AND_NOT:
        return Xapian::Query::OP_AND_NOT;
    case IZDE_XOP_AND_MAYBE:
        return Xapian::Query::OP_AND_MAYBE;
    case IZDE_XOP_FILTER:
        return Xapian::Query::OP_FILTER;
    case IZDE_XOP_PHRASE:
        return Xapian::Query::OP_PHRASE;
    case IZDE_XOP_NEAR:
        return Xapian::Query::OP_NEAR;
    case IZDE_XOP_SYNONYM:
        return Xapian::Query::OP_SYNONYM;
    case IZDE_XOP_MAX:
        return Xapian::Query::OP_MAX;
    }
    throw Xapian::InvalidArgumentError("unknown query operator");
}

} // namespace

// One ranked item, copied out of the MSet by the search so that reading it cannot fail.
struct xmset_item {
    double weight;
    uint32_t docid;
    uint32_t collapsed;
};

struct izde_xmset {
    Xapian::MSet mset;
    std::vector<xmset_item> items;
    Xapian::Database db; // for values read without fetching whole documents
    std::vector<std::vector<std::pair<std::string, uint32_t>>> facets;
    std::map<std::string, uint32_t> value_counts; // opts.count_slot
    uint32_t total;
};

extern "C" {

/* ---- stemmers ---- */

izde_status izde_xstem_new(const char *language, izde_xstem **out_stem, izde_error *err)
{
    try {
        *out_stem = new izde_xstem{Xapian::Stem(language)};
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

void izde_xstem_free(izde_xstem *s)
{
    delete s;
}

izde_status izde_xstem_apply(izde_xstem *s, const char *word, size_t len, char *out, size_t cap,
                             size_t *out_len, izde_error *err)
{
    try {
        if (cap == 0)
            return izde_error_set(err, IZDE_ERR_INVALID_ARG, "no room for a stem");
        const std::string stem = s->stem(std::string(word, len));
        size_t n = std::min(stem.size(), cap - 1);
        std::memcpy(out, stem.data(), n);
        out[n] = '\0';
        *out_len = stem.size();
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

/* ---- documents ---- */

izde_status izde_xdoc_new(izde_xdoc **out_doc, izde_error *err)
{
    try {
        *out_doc = new izde_xdoc();
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

void izde_xdoc_free(izde_xdoc *d)
{
    delete d;
}

izde_status izde_xdoc_clear(izde_xdoc *d, izde_error *err)
{
    try {
        d->doc = Xapian::Document();
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xdoc_add_posting(izde_xdoc *d, const char *term, size_t len, uint32_t pos,
                                  uint32_t wdf_inc, izde_error *err)
{
    try {
        d->doc.add_posting(std::string(term, len), pos, wdf_inc);
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xdoc_add_term(izde_xdoc *d, const char *term, size_t len, uint32_t wdf_inc,
                               izde_error *err)
{
    try {
        d->doc.add_term(std::string(term, len), wdf_inc);
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xdoc_add_boolean_term(izde_xdoc *d, const char *term, size_t len, izde_error *err)
{
    try {
        d->doc.add_boolean_term(std::string(term, len));
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xdoc_set_value(izde_xdoc *d, uint32_t slot, const char *v, size_t len,
                                izde_error *err)
{
    try {
        d->doc.add_value(slot, std::string(v, len));
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xdoc_set_data(izde_xdoc *d, const char *data, size_t len, izde_error *err)
{
    try {
        d->doc.set_data(std::string(data, len));
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

void izde_x_on_abort(void (*fn)(void))
{
    std::set_terminate(fn);
}

izde_status izde_x_sortable(double v, char *out, size_t cap, size_t *out_len, izde_error *err)
{
    try {
        const std::string s = Xapian::sortable_serialise(v);
        if (s.size() > cap)
            return izde_error_set(err, IZDE_ERR_INVALID_ARG, "%zu bytes for a sortable number",
                                  s.size());
        std::memcpy(out, s.data(), s.size());
        *out_len = s.size();
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

/* ---- writer ---- */

// Block size of the databases izde compacts (every built generation). A search reads a few
// hundred blocks (each a pread copied from the page cache), and a batch of updates rewrites
// most of the term-ordered tables' blocks: at 200,000 entries, 4 KiB blocks made searches
// 13-20% faster and a nightly batch of 1,000 entries 18% faster than Xapian's 8 KiB
// (bench/README.md, "Profile"). Writers keep Xapian's default: a rebuild with 4 KiB shards
// took 445 s against 416 s at 200,000 entries (one run each on a noisy machine).
static const int kCompactedBlockSize = 4096;

// A remote shard's default bound on connecting and on each call (Xapian's own is also 10 s).
static const uint32_t kRemoteTimeoutMs = 10000;

// The databases in folders paths[0..n), read as one collection.
static Xapian::Database open_all(const char *const *paths, size_t n)
{
    Xapian::Database all;
    for (size_t i = 0; i < n; i++)
        all.add_database(Xapian::Database(paths[i]));
    return all;
}

izde_status izde_xwriter_open(const char *dir, int how, izde_xwriter **out_writer, izde_error *err)
{
    try {
        int flags = (how & IZDE_XWRITER_CREATE) ? Xapian::DB_CREATE_OR_OPEN : Xapian::DB_OPEN;
        flags |= Xapian::DB_BACKEND_GLASS;
        if (how & IZDE_XWRITER_NO_SYNC)
            flags |= Xapian::DB_NO_SYNC;
        auto w = std::make_unique<izde_xwriter>(izde_xwriter{Xapian::WritableDatabase(dir, flags)});
        w->db.begin_transaction(true);
        *out_writer = w.release();
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xwriter_close(izde_xwriter *w, izde_error *err)
{
    if (!w)
        return IZDE_OK;
    std::unique_ptr<izde_xwriter> owned(w);
    try {
        w->db.commit_transaction();
        w->db.close();
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xwriter_abandon(izde_xwriter *w, izde_error *err)
{
    if (!w)
        return IZDE_OK;
    std::unique_ptr<izde_xwriter> owned(w);
    try {
        w->db.cancel_transaction();
        w->db.close();
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xwriter_replace(izde_xwriter *w, const char *idterm, size_t len,
                                 const izde_xdoc *d, izde_error *err)
{
    try {
        w->db.replace_document(std::string(idterm, len), d->doc);
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xwriter_delete(izde_xwriter *w, const char *idterm, size_t len, int *out_found,
                                izde_error *err)
{
    try {
        std::string t(idterm, len);
        *out_found = w->db.term_exists(t);
        if (*out_found)
            w->db.delete_document(t);
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xwriter_value(izde_xwriter *w, const char *idterm, size_t len, uint32_t slot,
                               uint32_t *out_docid, char **out, size_t *out_len, izde_error *err)
{
    try {
        std::string t(idterm, len);
        Xapian::PostingIterator p = w->db.postlist_begin(t);
        if (p == w->db.postlist_end(t))
            return izde_error_set(err, IZDE_ERR_NOT_FOUND, "no such document");
        if (out_docid)
            *out_docid = *p;
        return give_string(w->db.get_document(*p).get_value(slot), out, out_len, err);
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xwriter_hidden(izde_xwriter *w, uint32_t **out_ids, size_t *out_n, izde_error *err)
{
    try {
        std::vector<Xapian::docid> ids = decode_hidden(w->db.get_metadata(IZDE_X_META_HIDDEN));
        *out_ids = nullptr;
        *out_n = ids.size();
        if (ids.empty())
            return IZDE_OK;
        if (!(*out_ids = static_cast<uint32_t *>(malloc(ids.size() * sizeof **out_ids))))
            return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        std::copy(ids.begin(), ids.end(), *out_ids);
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xwriter_set_hidden(izde_xwriter *w, const uint32_t *ids, size_t n,
                                    uint32_t beside_floor, izde_error *err)
{
    try {
        w->db.set_metadata(IZDE_X_META_HIDDEN, encode_hidden(ids, n)); // "" removes the key
        w->db.set_metadata(IZDE_X_META_HIDDEN_FLOOR,
                           n && beside_floor ? std::to_string(beside_floor) : std::string());
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xwriter_docid_floor(izde_xwriter *w, uint32_t *out_floor, izde_error *err)
{
    try {
        Xapian::PostingIterator first = w->db.postlist_begin("");
        *out_floor = first != w->db.postlist_end("") ? *first - 1 : w->db.get_lastdocid();
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xwriter_last_docid(izde_xwriter *w, uint32_t *out_last, izde_error *err)
{
    try {
        *out_last = w->db.get_lastdocid();
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

// Xapian gives a new document the last used id plus one and never lowers that id: a
// placeholder put at last and deleted again moves it.
izde_status izde_xwriter_reserve_docids(izde_xwriter *w, uint32_t last, izde_error *err)
{
    try {
        if (last > w->db.get_lastdocid()) {
            w->db.replace_document(last, Xapian::Document());
            w->db.delete_document(last);
        }
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xwriter_delete_docids(izde_xwriter *w, const uint32_t *ids, size_t n,
                                       izde_error *err)
{
    try {
        for (size_t i = 0; i < n; i++) {
            try {
                w->db.delete_document(ids[i]);
            } catch (const Xapian::DocNotFoundError &) {
            }
        }
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xwriter_absorb(izde_xwriter *w, izde_xwriter *from, const char *id_prefix,
                                izde_error *err)
{
    try {
        const std::string prefix(id_prefix);
        for (auto p = from->db.postlist_begin(""); p != from->db.postlist_end(""); ++p) {
            auto t = from->db.termlist_begin(*p);
            t.skip_to(prefix);
            if (t == from->db.termlist_end(*p) || (*t).compare(0, prefix.size(), prefix) != 0)
                throw Xapian::DatabaseCorruptError("a document without an id term");
            w->db.replace_document(*t, from->db.get_document(*p));
        }
        for (auto s = from->db.spellings_begin(); s != from->db.spellings_end(); ++s)
            w->db.add_spelling(*s, s.get_termfreq());
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xwriter_uuid(izde_xwriter *w, char out[37], izde_error *err)
{
    try {
        std::string u = w->db.get_uuid();
        snprintf(out, 37, "%s", u.c_str());
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xwriter_set_metadata(izde_xwriter *w, const char *key, const char *value,
                                      izde_error *err)
{
    try {
        w->db.set_metadata(key, value);
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xwriter_metadata(izde_xwriter *w, const char *key, char **out, izde_error *err)
{
    try {
        return give_string(w->db.get_metadata(key), out, nullptr, err);
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xwriter_add_spelling(izde_xwriter *w, const char *word, size_t len, uint32_t count,
                                      izde_error *err)
{
    try {
        w->db.add_spelling(std::string(word, len), count);
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xwriter_commit(izde_xwriter *w, izde_error *err)
{
    try {
        w->db.commit_transaction();
        w->db.begin_transaction(true);
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xwriter_freqs(izde_xwriter *w, const char *word, size_t len, const char *spelling,
                               size_t spelling_len, uint32_t *out_termfreq, uint32_t *out_spelling,
                               izde_error *err)
{
    try {
        *out_termfreq = w->db.get_termfreq(std::string(word, len));
        /* 1.4 has no lookup of one spelling word: skip to it in the list of them */
        std::string key(spelling, spelling_len);
        Xapian::TermIterator it = w->db.spellings_begin();
        it.skip_to(key);
        *out_spelling = it != w->db.spellings_end() && *it == key ? it.get_termfreq() : 0;
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xwriter_doccount(izde_xwriter *w, uint32_t *out_count, izde_error *err)
{
    try {
        *out_count = w->db.get_doccount();
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

// FULL splits an item across blocks whenever that fills a block (xapian-compact's default;
// the API's is STANDARD): 1.3% smaller at 20,000 entries, and it stays updatable, unlike
// FULLER (bench/README.md, "Index size").
izde_status izde_x_compact(const char *const *srcs, size_t n, const char *dest, izde_error *err)
{
    try {
        open_all(srcs, n).compact(
            dest, Xapian::DBCOMPACT_MULTIPASS | Xapian::DB_BACKEND_GLASS | Xapian::Compactor::FULL,
            kCompactedBlockSize);
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

/* ---- reader ---- */

izde_status izde_xreader_open(const char *path, izde_xreader **out_reader, izde_error *err)
{
    try {
        return give_reader(Xapian::Database(path), false, out_reader);
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xreader_open_list(const char *const *locs, size_t n, uint32_t timeout_ms,
                                   izde_xreader **out_reader, izde_error *err)
{
    try {
        if (n == 0)
            throw Xapian::InvalidArgumentError("no database to open");
        Xapian::Database all;
        useconds_t ms = timeout_ms ? timeout_ms : kRemoteTimeoutMs; // Xapian takes ms here
        bool remote = false;
        for (size_t i = 0; i < n; i++) {
            std::string host;
            unsigned port = 0;
            if (parse_remote(locs[i], host, port)) {
                all.add_database(Xapian::Remote::open(host, port, ms, ms));
                remote = true;
            } else {
                all.add_database(Xapian::Database(locs[i]));
            }
        }
        return give_reader(all, remote, out_reader);
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xreader_open_many(const char *const *paths, size_t n, izde_xreader **out_reader,
                                   izde_error *err)
{
    try {
        return give_reader(open_all(paths, n), false, out_reader);
    } catch (...) {
        return map_exception(err);
    }
}

void izde_xreader_close(izde_xreader *r)
{
    delete r;
}

char *izde_xdb_version_file(const char *db_path)
{
    /* Glass, the only backend izde writes, renames its version file over the old one at
     * every commit. */
    static const char name[] = "/iamglass";
    size_t n = strlen(db_path);
    char *path = static_cast<char *>(malloc(n + sizeof name));
    if (path) {
        memcpy(path, db_path, n);
        memcpy(path + n, name, sizeof name);
    }
    return path;
}

izde_status izde_xreader_reopen(izde_xreader *r, int *out_changed, izde_error *err)
{
    try {
        *out_changed = r->db.reopen();
        if (*out_changed)
            load_hidden(r);
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xreader_doccount(izde_xreader *r, uint32_t *out_count, izde_error *err)
{
    try {
        *out_count = live_doccount(r);
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xreader_doccount_stored(izde_xreader *r, uint32_t *out_count, izde_error *err)
{
    try {
        *out_count = r->db.get_doccount();
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xreader_metadata(izde_xreader *r, const char *key, char **out, izde_error *err)
{
    try {
        return give_string(r->db.get_metadata(key), out, nullptr, err);
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xreader_data_by_term(izde_xreader *r, const char *idterm, size_t len, char **out,
                                      size_t *out_len, izde_error *err)
{
    try {
        std::string t(idterm, len);
        Xapian::PostingIterator p = r->db.postlist_begin(t);
        while (p != r->db.postlist_end(t) && is_hidden(r, *p))
            ++p;
        if (p == r->db.postlist_end(t))
            return izde_error_set(err, IZDE_ERR_NOT_FOUND, "no such entry");
        return give_string(r->db.get_document(*p).get_data(), out, out_len, err);
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xreader_termfreq(izde_xreader *r, const char *term, size_t len, uint32_t *out_freq,
                                  izde_error *err)
{
    try {
        *out_freq = r->db.get_termfreq(std::string(term, len));
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xreader_spelling(izde_xreader *r, const char *word, size_t len, unsigned max_edits,
                                  char **out, izde_error *err)
{
    try {
        return give_string(r->db.get_spelling_suggestion(std::string(word, len), max_edits), out,
                           nullptr, err);
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xreader_terms(izde_xreader *r, const char *prefix, size_t len, size_t max_terms,
                               izde_xterm_fn fn, void *ctx, izde_error *err)
{
    try {
        std::string p(prefix, len);
        size_t seen = 0;
        for (auto t = r->db.allterms_begin(p); t != r->db.allterms_end(p) && seen < max_terms;
             ++t, ++seen) {
            const std::string term = *t;
            if (fn(ctx, term.data(), term.size(), t.get_termfreq()))
                break;
        }
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xreader_frequent_terms(izde_xreader *r, const char *prefix, size_t len,
                                        size_t max_terms, izde_xterm_fn fn, void *ctx,
                                        izde_error *err)
{
    try {
        std::string p(prefix, len);
        std::vector<std::pair<Xapian::doccount, std::string>> all;
        for (auto t = r->db.allterms_begin(p); t != r->db.allterms_end(p); ++t)
            all.emplace_back(t.get_termfreq(), *t);
        size_t keep = std::min(max_terms, all.size());
        // Frequency summed over every shard, ties in byte order: one choice for any split.
        std::partial_sort(all.begin(), all.begin() + (std::ptrdiff_t)keep, all.end(),
                          [](const auto &a, const auto &b) {
                              return a.first != b.first ? a.first > b.first : a.second < b.second;
                          });
        for (size_t i = 0; i < keep; i++)
            if (fn(ctx, all[i].second.data(), all[i].second.size(), all[i].first))
                break;
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xreader_postings(izde_xreader *r, const char *term, size_t len, izde_xdocid_fn fn,
                                  void *ctx, izde_error *err)
{
    try {
        std::string t(term, len);
        for (auto p = r->db.postlist_begin(t); p != r->db.postlist_end(t); ++p)
            if (!is_hidden(r, *p) && fn(ctx, *p))
                break;
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

int izde_xreader_local(const izde_xreader *r)
{
    return !r->remote;
}

izde_status izde_xreader_positions(izde_xreader *r, uint32_t docid, const char *term, size_t len,
                                   izde_xpos_fn fn, void *ctx, izde_error *err)
{
    try {
        std::string t(term, len);
        for (auto p = r->db.positionlist_begin(docid, t); p != r->db.positionlist_end(docid, t);
             ++p)
            if (fn(ctx, *p))
                break;
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

/* ---- queries ---- */

izde_xquery *izde_xquery_term(const char *term, size_t len, uint32_t wqf, uint32_t pos,
                              izde_error *err)
{
    try {
        return wrap(Xapian::Query(std::string(term, len), wqf, pos));
    } catch (...) {
        map_exception(err);
        return nullptr;
    }
}

// q as a node Xapian keeps whole under a parent of operator `parent`: Xapian merges an OR's
// OR children (an AND's AND children) into one set, which each shard then arranges by its own
// term frequencies.
static Xapian::Query kept_whole(Xapian::Query::op parent, const Xapian::Query &q)
{
    auto type = static_cast<Xapian::Query::op>(q.get_type());
    if (type != parent && !(parent == Xapian::Query::OP_SYNONYM && type == Xapian::Query::OP_OR))
        return q;
    return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, 1.0);
}

// qs[lo, hi) as a balanced binary tree: the root of operator `top`, inner nodes of `inner`.
// Each shard arranges a flat set of alternatives into its own tree by its own frequencies, so
// the sum of their weights differs in the last bits between shards, and OP_SYNONYM's
// frequency estimate, rounded at every node, in the third digit. A tree fixed here adds up,
// and estimates, the same in one index and in every shard.
static Xapian::Query fixed_tree(Xapian::Query::op top, Xapian::Query::op inner,
                                const std::vector<Xapian::Query> &qs, size_t lo, size_t hi)
{
    if (hi - lo == 1)
        return qs[lo];
    size_t mid = lo + (hi - lo) / 2;
    return Xapian::Query(top, kept_whole(top, fixed_tree(inner, inner, qs, lo, mid)),
                         kept_whole(top, fixed_tree(inner, inner, qs, mid, hi)));
}

izde_xquery *izde_xquery_combine(izde_xop op, izde_xquery *const *subs, size_t n, uint32_t window,
                                 izde_error *err)
{
    try {
        std::vector<Xapian::Query> qs;
        qs.reserve(n);
        for (size_t i = 0; i < n; i++)
            qs.push_back(subs[i]->q);
        if (n > 1 && (op == IZDE_XOP_OR || op == IZDE_XOP_AND))
            return wrap(fixed_tree(to_xapian_op(op), to_xapian_op(op), qs, 0, n));
        if (n > 1 && op == IZDE_XOP_SYNONYM)
            return wrap(fixed_tree(Xapian::Query::OP_SYNONYM, Xapian::Query::OP_OR, qs, 0, n));
        return wrap(Xapian::Query(to_xapian_op(op), qs.begin(), qs.end(), window));
    } catch (...) {
        map_exception(err);
        return nullptr;
    }
}

izde_xquery *izde_xquery_scale(const izde_xquery *q, double factor, izde_error *err)
{
    try {
        return wrap(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, factor));
    } catch (...) {
        map_exception(err);
        return nullptr;
    }
}

izde_xquery *izde_xquery_value_range(uint32_t slot, const char *lo, const char *hi, izde_error *err)
{
    try {
        if (lo && hi)
            return wrap(Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi));
        if (lo)
            return wrap(Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo));
        if (hi)
            return wrap(Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi));
        return wrap(Xapian::Query::MatchAll);
    } catch (...) {
        map_exception(err);
        return nullptr;
    }
}

izde_xquery *izde_xquery_wildcard(const char *prefix, size_t len, uint32_t max_expansion,
                                  izde_error *err)
{
    try {
        return wrap(Xapian::Query(Xapian::Query::OP_WILDCARD, std::string(prefix, len),
                                  max_expansion, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT));
    } catch (...) {
        map_exception(err);
        return nullptr;
    }
}

izde_xquery *izde_xquery_value_weight(uint32_t slot, double scale, izde_error *err)
{
    try {
        // release() hands the source's lifetime to the query's reference count.
        Xapian::Query src((new Xapian::ValueWeightPostingSource(slot))->release());
        return wrap(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, src, scale));
    } catch (...) {
        map_exception(err);
        return nullptr;
    }
}

izde_xquery *izde_xquery_match_all(izde_error *err)
{
    try {
        return wrap(Xapian::Query::MatchAll);
    } catch (...) {
        map_exception(err);
        return nullptr;
    }
}

izde_xquery *izde_xquery_match_nothing(izde_error *err)
{
    try {
        return wrap(Xapian::Query::MatchNothing);
    } catch (...) {
        map_exception(err);
        return nullptr;
    }
}

int izde_xquery_empty(const izde_xquery *q)
{
    return q->q.empty();
}

void izde_xquery_free(izde_xquery *q)
{
    delete q;
}

izde_status izde_xquery_describe(const izde_xquery *q, char **out, izde_error *err)
{
    try {
        return give_string(q->q.get_description(), out, nullptr, err);
    } catch (...) {
        return map_exception(err);
    }
}

/* ---- search ---- */

void izde_xsearch_opts_init(izde_xsearch_opts *opts)
{
    std::memset(opts, 0, sizeof *opts);
    opts->limit = 10;
    opts->collapse_slot = -1;
    for (int i = 0; i < 3; i++)
        opts->key_slots[i] = -1;
    for (int i = 0; i < IZDE_X_MAX_FACETS; i++)
        opts->facet_slots[i] = -1;
    opts->facet_key_slot = -1;
    opts->order_slot = -1;
    opts->count_slot = -1;
    opts->unique_slot = -1;
}

izde_status izde_xreader_search(izde_xreader *r, const izde_xquery *q,
                                const izde_xsearch_opts *opts, izde_xmset **out_mset,
                                izde_error *err)
{
    try {
        Xapian::Enquire enquire(r->db);
        bool by_id = hidden_by_id(r);
        HiddenDecider decider(r);
        if (r->hidden->empty() || by_id)
            enquire.set_query(q->q);
        else
            enquire.set_query(Xapian::Query(
                Xapian::Query::OP_AND_NOT, q->q,
                Xapian::Query((new HiddenSource(r->hidden, r->first_uuid))->release())));
        enquire.set_weighting_scheme(Xapian::BM25Weight(opts->bm25_k1 > 0 ? opts->bm25_k1 : 1.2, 0,
                                                        1, opts->bm25_b > 0 ? opts->bm25_b : 0.5,
                                                        0.5));
        Xapian::MultiValueKeyMaker keys;
        bool have_keys = false;
        for (int i = 0; i < 3; i++) {
            if (opts->key_slots[i] >= 0) {
                keys.add_value(static_cast<Xapian::valueno>(opts->key_slots[i]),
                               opts->key_desc[i] != 0);
                have_keys = true;
            }
        }
        if (opts->order_slot >= 0) {
            auto slot = static_cast<Xapian::valueno>(opts->order_slot);
            if (opts->sort_by_key_first)
                enquire.set_sort_by_value_then_relevance(slot, false);
            else
                enquire.set_sort_by_relevance_then_value(slot, false);
        } else if (have_keys) {
            if (opts->sort_by_key_first)
                enquire.set_sort_by_key_then_relevance(&keys, false);
            else
                enquire.set_sort_by_relevance_then_key(&keys, false);
        }
        if (opts->min_weight > 0)
            enquire.set_cutoff(0, opts->min_weight);
        bool sorted = opts->order_slot >= 0 || have_keys;
        bool counted =
            opts->facet_key_slot >= 0 || opts->count_slot >= 0 || opts->facet_slots[0] >= 0;
        if (opts->collapse_slot >= 0)
            enquire.set_collapse_key(static_cast<Xapian::valueno>(opts->collapse_slot));
        else if (opts->unique_slot >= 0 && sorted && counted)
            enquire.set_collapse_key(static_cast<Xapian::valueno>(opts->unique_slot));
        std::vector<std::unique_ptr<ListCountSpy>> spies;
        std::unique_ptr<Xapian::ValueCountMatchSpy> key_spy;
        if (opts->facet_key_slot >= 0) {
            key_spy.reset(
                new Xapian::ValueCountMatchSpy(static_cast<Xapian::valueno>(opts->facet_key_slot)));
            enquire.add_matchspy(key_spy.get());
        }
        std::unique_ptr<Xapian::ValueCountMatchSpy> count_spy;
        if (opts->count_slot >= 0) {
            count_spy.reset(
                new Xapian::ValueCountMatchSpy(static_cast<Xapian::valueno>(opts->count_slot)));
            enquire.add_matchspy(count_spy.get());
        }
        for (int i = 0; i < IZDE_X_MAX_FACETS && !key_spy; i++) {
            if (opts->facet_slots[i] < 0)
                break;
            spies.emplace_back(new ListCountSpy(static_cast<Xapian::valueno>(opts->facet_slots[i]),
                                                opts->collapse_slot));
            enquire.add_matchspy(spies.back().get());
        }
        auto *m = new izde_xmset();
        m->db = r->db;
        try {
            m->mset = enquire.get_mset(opts->offset, opts->limit, opts->check_at_least, nullptr,
                                       by_id ? &decider : nullptr);
            for (auto &s : spies)
                m->facets.push_back(s->sorted());
            if (count_spy)
                for (auto it = count_spy->values_begin(); it != count_spy->values_end(); ++it)
                    m->value_counts[*it] = it.get_termfreq();
            if (key_spy)
                m->facets = facets_from_keys(*key_spy, static_cast<size_t>(opts->facet_key_facets),
                                             opts->collapse_slot >= 0);
            for (auto it = m->mset.begin(); it != m->mset.end(); ++it)
                m->items.push_back({it.get_weight(), *it, it.get_collapse_count()});
            // Once every match was examined the lower bound is exact; Xapian's estimate
            // can still be off with collapsing and a sort key.
            m->total = opts->check_at_least >= live_doccount(r) ? m->mset.get_matches_lower_bound()
                                                                : m->mset.get_matches_estimated();
        } catch (...) {
            delete m;
            throw;
        }
        *out_mset = m;
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

void izde_xmset_free(izde_xmset *m)
{
    delete m;
}

size_t izde_xmset_size(const izde_xmset *m)
{
    return m->items.size();
}

uint32_t izde_xmset_total(const izde_xmset *m)
{
    return m->total;
}

izde_status izde_xmset_termfreq(const izde_xmset *m, const char *term, size_t len,
                                uint32_t *out_freq, izde_error *err)
{
    try {
        *out_freq = m->mset.get_termfreq(std::string(term, len));
        return IZDE_OK;
    } catch (...) {
        return map_exception(err);
    }
}

double izde_xmset_weight(const izde_xmset *m, size_t i)
{
    return m->items[i].weight;
}

uint32_t izde_xmset_docid(const izde_xmset *m, size_t i)
{
    return m->items[i].docid;
}

uint32_t izde_xmset_collapsed(const izde_xmset *m, size_t i)
{
    return m->items[i].collapsed;
}

izde_status izde_xmset_value(const izde_xmset *m, size_t i, uint32_t slot, char **out,
                             size_t *out_len, izde_error *err)
{
    try {
        // A lazy document: the value alone is read, not the document's data and terms.
        Xapian::docid did = m->items.at(i).docid;
        return give_string(m->db.get_document(did, Xapian::DOC_ASSUME_VALID).get_value(slot), out,
                           out_len, err);
    } catch (...) {
        return map_exception(err);
    }
}

izde_status izde_xmset_data(const izde_xmset *m, size_t i, char **out, size_t *out_len,
                            izde_error *err)
{
    try {
        (void)m->items.at(i); // out of range: an exception, not a read past the end
        return give_string(m->mset[static_cast<Xapian::doccount>(i)].get_document().get_data(), out,
                           out_len, err);
    } catch (...) {
        return map_exception(err);
    }
}

uint32_t izde_xmset_value_count(const izde_xmset *m, const char *v, size_t len)
{
    try {
        auto it = m->value_counts.find(std::string(v, len));
        return it == m->value_counts.end() ? 0 : it->second;
    } catch (...) {
        return 0; // out of memory for the key: nothing counted is the safe answer
    }
}

izde_status izde_xmset_collapse_key(const izde_xmset *m, size_t i, char **out, size_t *out_len,
                                    izde_error *err)
{
    try {
        (void)m->items.at(i);
        return give_string(m->mset[static_cast<Xapian::doccount>(i)].get_collapse_key(), out,
                           out_len, err);
    } catch (...) {
        return map_exception(err);
    }
}

size_t izde_xmset_facet_size(const izde_xmset *m, int f)
{
    if (f < 0 || static_cast<size_t>(f) >= m->facets.size())
        return 0;
    return m->facets[static_cast<size_t>(f)].size();
}

const char *izde_xmset_facet_value(const izde_xmset *m, int f, size_t k, uint32_t *out_count)
{
    if (k >= izde_xmset_facet_size(m, f))
        return nullptr;
    const auto &item = m->facets[static_cast<size_t>(f)][k];
    if (out_count)
        *out_count = item.second;
    return item.first.c_str();
}

} // extern "C"
