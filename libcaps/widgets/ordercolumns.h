#pragma once

#include <QObject>

class QTableView;

namespace caps {

// The column layout of an order table (OrderModel's columns), the same in every window that
// shows orders: short columns as wide as their contents, the order ID at a fixed width with
// its middle elided, and the address taking what is left.
class OrderColumns : public QObject
{
    Q_OBJECT
public:
    // The address is never narrower than this many average characters: below it a column of
    // "7774 …" tells nothing, and a narrow window scrolls sideways instead (#13).
    static constexpr int AddressMinimumChars = 24;
    static constexpr int OrderIdChars = 16;

    // Lays out view's columns and keeps them laid out as it is resized; owned by view. Call
    // once view has its model: header sections exist only then.
    static OrderColumns *fit(QTableView *view);

    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    explicit OrderColumns(QTableView *view);
    // The address gets the width the other columns leave, but at least its minimum.
    void fitAddress();
    void scheduleFit();

    QTableView *m_view;
    bool m_fitPending = false;
};

} // namespace caps
