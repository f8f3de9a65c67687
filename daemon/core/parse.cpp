#include "core/parse.hpp"
#include "core/i18n.hpp"

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>

#include "core/parse_devices.hpp"
#include "core/parse_document.hpp"
#include "core/parse_fields.hpp"
#include "core/parse_hooks.hpp"
#include "core/parse_item.hpp"
#include "core/parse_reader.hpp"
#include "core/parse_source.hpp"
#include "core/parse_values.hpp"

namespace regimend {
namespace {

// A regimen is a page of text; anything far larger is a mistake or an attack, and yaml-cpp
// would spend memory and time on it before we could say so.
constexpr std::size_t kMaxFileBytes = 1024 * 1024;
constexpr std::size_t kMaxItems = 10000;
constexpr std::size_t kMaxLimits = 1000;
constexpr std::size_t kMaxSymptoms = 1000;
constexpr SourcePos kFileStart{1, 1};

class RegimenReader {
  public:
    RegimenReader(Diagnostics& diagnostics, const regimend::TimeZone* default_zone,
                  const FindZone& find_zone)
        : diagnostics_(diagnostics), default_zone_(default_zone), find_zone_(find_zone) {}

    Regimen read(const YAML::Node& root) {
        regimen_.file = diagnostics_.file();
        SourcePos where = diagnostics_.position(root.Mark());
        auto top = Mapping::read(diagnostics_, root, where, N_("the regimen (top level)"),
                                 {"version", "timezone", "bedtime", "reminders", "limits",
                                  "symptoms", "items", "hooks", "devices"});
        if (!top) {
            return regimen_;
        }
        read_version(*top);
        read_timezone(*top);
        if (const Field* bedtime = top->get("bedtime")) {
            regimen_.bedtime = read_clock_time(diagnostics_, *bedtime);
            has_bedtime_ = true;  // an invalid one is reported once, not at every `at`
        }
        if (const Field* reminders = top->get("reminders")) {
            regimen_.reminders = read_reminders(diagnostics_, *reminders, ReminderPolicy{});
        }
        if (const Field* limits = top->get("limits")) {
            read_limits(*limits);
        }
        if (const Field* symptoms = top->get("symptoms")) {
            read_symptoms(*symptoms);
        }
        if (const Field* devices = top->get("devices")) {
            regimen_.caldav = read_devices(diagnostics_, *devices);
        }
        if (const Field* items = top->get("items")) {
            read_items(*items);
        } else {
            diagnostics_.error(top->pos(),
                               _("the regimen has no 'items' (a list of what to take)"));
        }
        if (const Field* hooks = top->get("hooks")) {
            std::vector<ReadHook> read = read_hooks(diagnostics_, *hooks);
            check_hook_items(diagnostics_, read, regimen_.items);
            for (auto& entry : read) {
                regimen_.hooks.push_back(std::move(entry.hook));
            }
        }
        return regimen_;
    }

  private:
    void read_version(const Mapping& top) {
        const Field* version = top.get("version");
        if (!version) {
            diagnostics_.error(top.pos(), _("the regimen has no 'version' (write 'version: 1')"));
            return;
        }
        auto text = read_text(diagnostics_, *version, "1");
        if (text && text->value != "1") {
            diagnostics_.error(text->pos,
                               fill(_("unsupported 'version' {}: this regimend reads version 1"),
                                    {quoted(text->value)}));
        }
    }

    void read_timezone(const Mapping& top) {
        regimen_.zone = default_zone_;
        const Field* timezone = top.get("timezone");
        if (!timezone) {
            if (!regimen_.zone) {
                regimen_.zone = &TimeZone::utc();  // the caller named no default: stay defined
            }
            return;
        }
        auto text = read_text(diagnostics_, *timezone, N_("an IANA time zone name"));
        if (!text) {
            return;
        }
        regimen_.timezone_name = text->value;
        if (const regimend::TimeZone* zone = find_zone_ ? find_zone_(text->value) : nullptr) {
            regimen_.zone = zone;
        } else {
            diagnostics_.error(text->pos,
                               fill(_("unknown time zone {}: 'timezone' must be an IANA name such "
                                      "as Europe/Berlin or America/New_York"),
                                    {quoted(text->value)}));
        }
    }

    void read_limits(const Field& field) {
        auto nodes = read_sequence(diagnostics_, field, kMaxLimits);
        if (!nodes) {
            return;
        }
        for (const auto& node : *nodes) {
            SourcePos where = diagnostics_.position(node.Mark());
            auto mapping = Mapping::read(diagnostics_, node, where, N_("a limit"),
                                         {"name", "per_day", "tags"});
            if (!mapping) {
                continue;
            }
            Limit limit;
            limit.pos = where;
            const Field* name = mapping->get("name");
            const Field* per_day = mapping->get("per_day");
            const Field* tags = mapping->get("tags");
            if (!name || !per_day || !tags) {
                diagnostics_.error(where,
                                   _("a limit needs 'name', 'per_day' and 'tags', e.g. "
                                     "{name: magnesium, per_day: 350 mg, tags: [magnesium]}"));
            }
            if (name) {
                if (auto text = read_text(diagnostics_, *name)) {
                    limit.name = text->value;
                }
            }
            if (per_day) {
                if (auto amount = read_amount(diagnostics_, *per_day)) {
                    limit.per_day = *amount;
                }
            }
            if (tags) {
                if (auto texts = read_text_list(diagnostics_, *tags)) {
                    if (texts->empty()) {
                        diagnostics_.error(tags->value_pos, _("'tags' must name at least one tag"));
                    }
                    for (const auto& tag : *texts) {
                        limit.tags.push_back(tag.value);
                    }
                }
            }
            regimen_.limits.push_back(std::move(limit));
        }
    }

    // A kind (`migraine`) or a kind with options (`{sleep: {better: higher}}`); a single
    // kind alone is a list of one.
    void read_symptoms(const Field& field) {
        if (field.value.IsScalar()) {
            if (auto text = read_text(diagnostics_, field)) {
                add_symptom(text->value, text->pos, Better::Unstated);
            }
            return;
        }
        auto nodes = read_sequence(diagnostics_, field, kMaxSymptoms);
        if (!nodes) {
            return;
        }
        for (const auto& node : *nodes) {
            SourcePos pos = diagnostics_.position(node.Mark());
            if (node.IsScalar()) {
                if (auto problem = text_problem(node.Scalar(), kMaxTextCharacters, false)) {
                    diagnostics_.error(pos,
                                       fill(_("an entry of '{0}' {1}"), {"symptoms", *problem}));
                } else {
                    add_symptom(node.Scalar(), pos, Better::Unstated);
                }
            } else if (node.IsMap() && node.size() == 1 && node.begin()->first.IsScalar()) {
                const YAML::Node kind = node.begin()->first;
                const YAML::Node options = node.begin()->second;
                SourcePos kind_pos = diagnostics_.position(kind.Mark());
                add_symptom(kind.Scalar(), kind_pos,
                            read_symptom_options(kind.Scalar(), options, kind_pos));
            } else {
                diagnostics_.error(pos, fill(_("each entry of 'symptoms' must be a kind "
                                               "(`migraine`) or a kind with options (`{{sleep: "
                                               "{{better: higher}}}}`), got {}"),
                                             {describe(node)}));
            }
        }
    }

    Better read_symptom_options(const std::string& kind, const YAML::Node& node,
                                SourcePos kind_pos) {
        SourcePos where = node.IsNull() ? kind_pos : diagnostics_.position(node.Mark());
        auto options = Mapping::read(diagnostics_, node, where,
                                     fill(_("symptom kind {}"), {quoted(kind)}), {"better"});
        if (!options) {
            return Better::Unstated;
        }
        const Field* better = options->get("better");
        if (!better) {
            return Better::Unstated;
        }
        auto text = read_text(diagnostics_, *better, N_("\"higher\" or \"lower\""));
        if (!text) {
            return Better::Unstated;
        }
        if (text->value == "higher") {
            return Better::Higher;
        }
        if (text->value == "lower") {
            return Better::Lower;
        }
        diagnostics_.error(
            better->value_pos,
            fill(_("'better' must be \"higher\" or \"lower\", got {}"), {quoted(text->value)}));
        return Better::Unstated;
    }

    void add_symptom(const std::string& kind, SourcePos pos, Better better) {
        if (!is_valid_symptom_kind(kind)) {
            diagnostics_.error(pos, fill(_("a symptom kind must be lowercase letters, digits, '-' "
                                           "or '_' (it is typed as `regimenctl symptom KIND`), "
                                           "got {}"),
                                         {quoted(kind)}));
        } else if (std::find(regimen_.symptoms.begin(), regimen_.symptoms.end(), kind) !=
                   regimen_.symptoms.end()) {
            diagnostics_.error(pos, fill(_("symptom kind {} is listed twice"), {quoted(kind)}));
        } else {
            regimen_.symptoms.push_back(kind);
            if (better != Better::Unstated) {
                regimen_.symptom_better.emplace_back(kind, better);
            }
        }
    }

    void read_items(const Field& field) {
        auto nodes = read_sequence(diagnostics_, field, kMaxItems);
        if (!nodes) {
            return;
        }
        ItemDefaults defaults{regimen_.reminders, has_bedtime_};
        std::vector<ReadItem> items;
        for (const auto& node : *nodes) {
            items.push_back(
                read_item(diagnostics_, node, diagnostics_.position(node.Mark()), defaults));
        }
        check_unique_ids(items);
        check_separate_names(items);
        for (auto& read : items) {
            regimen_.items.push_back(std::move(read.item));
        }
    }

    void check_unique_ids(const std::vector<ReadItem>& items) {
        std::map<std::string, SourcePos> first_seen;
        for (const auto& read : items) {
            if (read.item.id.empty()) {
                continue;
            }
            auto [first, inserted] = first_seen.emplace(read.item.id, read.id_pos);
            if (!inserted) {
                diagnostics_.error(
                    read.id_pos, fill(_("duplicate id {0}: already used by the item at line {1}"),
                                      {quoted(read.item.id), std::to_string(first->second.line)}));
            }
        }
    }

    void check_separate_names(const std::vector<ReadItem>& items) {
        std::set<std::string, std::less<>> known;
        for (const auto& read : items) {
            known.insert(read.item.id);
            known.insert(read.item.tags.begin(), read.item.tags.end());
        }
        for (const auto& read : items) {
            for (const auto& name : read.separate_from) {
                if (!known.contains(name.value)) {
                    diagnostics_.error(name.pos,
                                       fill(_("'separate.from' names {}, which is neither an item "
                                              "id nor a tag of any item"),
                                            {quoted(name.value)}));
                }
            }
        }
    }

    Diagnostics& diagnostics_;
    const regimend::TimeZone* default_zone_;
    const FindZone& find_zone_;
    Regimen regimen_;
    bool has_bedtime_ = false;
};

void check_and_read(Diagnostics& diagnostics, const SourceText& source,
                    const regimend::TimeZone* default_zone, const FindZone& find_zone,
                    ParseResult& result) {
    if (source.text().size() > kMaxFileBytes) {
        diagnostics.error(kFileStart, fill(_("the regimen is {} bytes; the limit is 1 MiB"),
                                           {std::to_string(source.text().size())}));
        return;
    }
    if (auto bad_byte = source.first_invalid_utf8()) {
        diagnostics.error(*bad_byte, _("the file is not valid UTF-8 (a byte here is not part of "
                                       "a UTF-8 character); save it as UTF-8"));
        return;
    }
    auto root = load_document(diagnostics, source);
    if (!root) {
        return;
    }
    Regimen regimen = RegimenReader(diagnostics, default_zone, find_zone).read(*root);
    if (diagnostics.empty()) {
        result.regimen = std::move(regimen);
        result.regimen->index_items();  // after the move: the index names its item array
    }
}

}  // namespace

ParseResult parse_regimen(std::string_view yaml_text, const std::string& file_name,
                          const regimend::TimeZone* default_zone, const FindZone& find_zone) {
    ParseResult result;
    SourceText source(yaml_text);
    Diagnostics diagnostics(file_name, source);
    try {
        check_and_read(diagnostics, source, default_zone, find_zone, result);
    } catch (const std::exception& exception) {
        // yaml-cpp's node API can throw on shapes we did not foresee; a bad file must still
        // come back as a message, never as an exception through the daemon's reload.
        result.regimen.reset();
        diagnostics.error(kFileStart, fill(_("cannot read the regimen: {}"), {exception.what()}));
    }
    result.diagnostics = diagnostics.take();
    return result;
}

}  // namespace regimend
