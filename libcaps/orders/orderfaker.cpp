#include "orders/orderfaker.h"

#include <QStringList>
#include <QUuid>

#include <array>

namespace caps {

namespace {
constexpr std::array firstNames{"Ada",       "Grace",   "Alan",   "Linus",  "Margaret", "Dennis", "Barbara",
                                "Ken",       "Frances", "Edsger", "Radia",  "Bjarne",   "Hedy",   "Guido",
                                "Katherine", "Tim",     "Annie",  "Donald", "Shafi",    "Niklaus"};
constexpr std::array lastNames{"Lovelace", "Hopper",      "Turing",   "Torvalds", "Hamilton",   "Ritchie", "Liskov",
                               "Thompson", "Allen",       "Dijkstra", "Perlman",  "Stroustrup", "Lamarr",  "van Rossum",
                               "Johnson",  "Berners-Lee", "Easley",   "Knuth",    "Goldwasser", "Wirth"};
constexpr std::array streets{"Pine St",    "Maple Ave", "Elm St",   "Cedar Ln",   "Oak Dr",      "Lake View Rd",
                             "Harbor Way", "Main St",   "Union St", "Summit Ave", "Rainier Ave", "Madison St"};
constexpr std::array cities{"Seattle, WA", "Tacoma, WA",  "Bellevue, WA", "Redmond, WA",
                            "Everett, WA", "Olympia, WA", "Spokane, WA",  "Portland, OR"};

template <std::size_t N> QString pick(QRandomGenerator &random, const std::array<const char *, N> &list)
{
    return QString::fromUtf8(list[random.bounded(quint32(N))]);
}
} // namespace

OrderFaker::OrderFaker()
    : m_random(QRandomGenerator::securelySeeded())
{ }

OrderFaker::OrderFaker(quint32 seed)
    : m_random(seed)
{ }

QString OrderFaker::customerName()
{
    return pick(m_random, firstNames) + QLatin1Char(' ') + pick(m_random, lastNames);
}

QString OrderFaker::address()
{
    return QStringLiteral("%1 %2, %3 %4")
        .arg(m_random.bounded(1, 9999))
        .arg(pick(m_random, streets), pick(m_random, cities))
        .arg(m_random.bounded(98001, 99404));
}

QString OrderFaker::newOrderId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

Order OrderFaker::order(const QString &store)
{
    Order order;
    order.store = store;
    order.orderId = newOrderId();
    order.customer = customerName();
    order.address = address();
    return order;
}

} // namespace caps
