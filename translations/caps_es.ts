<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_ES">
<context>
    <name>CustomerWindow</name>
    <message>
        <source>&amp;Track</source>
        <translation>&amp;Seguir</translation>
    </message>
    <message>
        <source>&amp;Track…</source>
        <translation>&amp;Seguir…</translation>
    </message>
    <message>
        <source>Order ID</source>
        <translation>N.º de pedido</translation>
    </message>
    <message>
        <source>Customer name</source>
        <translation>Nombre del cliente</translation>
    </message>
    <message>
        <source>e.g. 0d6c5e2a-4f4b-4c9e-9a57-…</source>
        <translation>p. ej. 0d6c5e2a-4f4b-4c9e-9a57-…</translation>
    </message>
    <message>
        <source>e.g. Ada Lovelace</source>
        <translation>p. ej. Ada Lovelace</translation>
    </message>
    <message>
        <source>Track &amp;by:</source>
        <translation>Seguir &amp;por:</translation>
    </message>
    <message>
        <source>Nothing tracked yet: enter an order ID or your name above.</source>
        <translation>Aún no sigue nada: escriba arriba un número de pedido o su nombre.</translation>
    </message>
    <message>
        <source>Cannot track %1: %2</source>
        <translation>No se puede seguir %1: %2</translation>
    </message>
    <message>
        <source>Order delivered</source>
        <translation>Pedido entregado</translation>
    </message>
    <message>
        <source>Your order %1 has been delivered</source>
        <translation>Su pedido %1 ha sido entregado</translation>
    </message>
    <message>
        <source>Order cancelled</source>
        <translation>Pedido cancelado</translation>
    </message>
    <message>
        <source>Your order %1 was cancelled by the store</source>
        <translation>La tienda canceló su pedido %1</translation>
    </message>
    <message>
        <source>customer “%1” (&lt;a href=&quot;untrack:%2&quot;&gt;stop&lt;/a&gt;)</source>
        <translation>cliente «%1» (&lt;a href=&quot;untrack:%2&quot;&gt;dejar&lt;/a&gt;)</translation>
    </message>
    <message numerus="yes">
        <source>%n order(s) by ID</source>
        <translation>
            <numerusform>%n pedido por número</numerusform>
            <numerusform>%n pedidos por número</numerusform>
        </translation>
    </message>
    <message>
        <source>Following %1</source>
        <translation>Siguiendo: %1</translation>
    </message>
    <message>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message>
        <source>Tracking</source>
        <extracomment>The customer window&apos;s title: whom it follows</extracomment>
        <translation>Seguimiento</translation>
    </message>
    <message>
        <source>Tracking for %1</source>
        <translation>Seguimiento para %1</translation>
    </message>
</context>
<context>
    <name>DeliveryChart</name>
    <message>
        <source>Delivery times</source>
        <translation>Tiempos de entrega</translation>
    </message>
    <message>
        <source>Pickup to delivery</source>
        <translation>De recogida a entrega</translation>
    </message>
    <message>
        <source>delivered at</source>
        <translation>entregado a las</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>segundos</translation>
    </message>
    <message>
        <source>%1
%2 s from pickup to delivery</source>
        <translation>%1
%2 s de la recogida a la entrega</translation>
    </message>
    <message>
        <source>Pickup to delivery: no delivery yet</source>
        <translation>De recogida a entrega: aún sin entregas</translation>
    </message>
    <message numerus="yes">
        <source>Pickup to delivery, last %n order(s)</source>
        <translation>
            <numerusform>De recogida a entrega, último pedido</numerusform>
            <numerusform>De recogida a entrega, últimos %n pedidos</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DriverWindow</name>
    <message>
        <source>Confirm &amp;pickup</source>
        <translation>Confirmar &amp;recogida</translation>
    </message>
    <message>
        <source>Mark &amp;delivered</source>
        <translation>Marcar como &amp;entregado</translation>
    </message>
    <message>
        <source>&amp;Auto-drive</source>
        <translation>Reparto &amp;automático</translation>
    </message>
    <message>
        <source>Show deli&amp;vered</source>
        <translation>Mostrar &amp;entregados</translation>
    </message>
    <message>
        <source>&amp;Orders</source>
        <translation>&amp;Pedidos</translation>
    </message>
    <message>
        <source>Emit in-transit for the selected order</source>
        <translation>Emitir in-transit para el pedido seleccionado</translation>
    </message>
    <message>
        <source>Emit delivered for the selected order</source>
        <translation>Emitir delivered para el pedido seleccionado</translation>
    </message>
    <message>
        <source>Pick up and deliver every order by itself, like the lab&apos;s driver</source>
        <translation>Recoger y entregar cada pedido solo, como el repartidor del laboratorio</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> ms</translation>
    </message>
    <message>
        <source>From the pickup event to in-transit</source>
        <translation>Del evento pickup a in-transit</translation>
    </message>
    <message>
        <source>From the pickup event to delivered; at least the in-transit delay</source>
        <translation>Del evento pickup a delivered; al menos el retardo de in-transit</translation>
    </message>
    <message>
        <source>Orders waiting for pickup</source>
        <translation>Pedidos esperando recogida</translation>
    </message>
    <message>
        <source>Driving</source>
        <translation>Reparto</translation>
    </message>
    <message>
        <source>In transit after:</source>
        <translation>En tránsito tras:</translation>
    </message>
    <message>
        <source>Delivered after:</source>
        <translation>Entregado tras:</translation>
    </message>
    <message>
        <source>Delivered %1</source>
        <translation>%1 entregado</translation>
    </message>
    <message>
        <source>Driver at %1</source>
        <extracomment>The driver window&apos;s title: the hub it drives for</extracomment>
        <translation>Repartidor en %1</translation>
    </message>
    <message>
        <source>Waiting for pickup: %1 · in transit: %2</source>
        <translation>Esperando recogida: %1 · en tránsito: %2</translation>
    </message>
</context>
<context>
    <name>NewOrderDialog</name>
    <message>
        <source>New order</source>
        <translation>Nuevo pedido</translation>
    </message>
    <message>
        <source>Edit refused order</source>
        <translation>Editar pedido rechazado</translation>
    </message>
    <message>
        <source>The hub refused this order: %1</source>
        <translation>El hub rechazó este pedido: %1</translation>
    </message>
    <message>
        <source>Send &amp;again</source>
        <translation>&amp;Enviar de nuevo</translation>
    </message>
    <message>
        <source>Ready for &amp;pickup</source>
        <translation>Listo para &amp;recoger</translation>
    </message>
    <message>
        <source>&amp;Shuffle</source>
        <translation>&amp;Barajar</translation>
    </message>
    <message>
        <source>Another random customer and address</source>
        <translation>Otro cliente y dirección al azar</translation>
    </message>
    <message>
        <source>Store:</source>
        <translation>Tienda:</translation>
    </message>
    <message>
        <source>Order &amp;ID:</source>
        <translation>N.º de &amp;pedido:</translation>
    </message>
    <message>
        <source>&amp;Customer:</source>
        <translation>&amp;Cliente:</translation>
    </message>
    <message>
        <source>&amp;Address:</source>
        <translation>&amp;Dirección:</translation>
    </message>
    <message>
        <source>The customer&apos;s name is missing.</source>
        <translation>Falta el nombre del cliente.</translation>
    </message>
    <message>
        <source>The address is missing.</source>
        <translation>Falta la dirección.</translation>
    </message>
</context>
<context>
    <name>OrderCard</name>
    <message>
        <source>Stop tracking this order</source>
        <translation>Dejar de seguir este pedido</translation>
    </message>
    <message>
        <source>Stop tracking %1</source>
        <translation>Dejar de seguir %1</translation>
    </message>
    <message>
        <source>from %1</source>
        <translation>de %1</translation>
    </message>
    <message>
        <source>Waiting for news from the hub…</source>
        <translation>Esperando noticias del hub…</translation>
    </message>
    <message>
        <source>%1 in %2</source>
        <translation>%1 en %2</translation>
    </message>
    <message>
        <source>Order %1: %2</source>
        <translation>Pedido %1: %2</translation>
    </message>
</context>
<context>
    <name>OrderProgress</name>
    <message>
        <source>No news yet</source>
        <translation>Aún sin noticias</translation>
    </message>
    <message>
        <source>Ordered</source>
        <translation>Pedido</translation>
    </message>
    <message>
        <source>Picked up</source>
        <translation>Recogido</translation>
    </message>
    <message>
        <source>In transit</source>
        <translation>En tránsito</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Entregado</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
</context>
<context>
    <name>VendorWindow</name>
    <message>
        <source>&amp;New order…</source>
        <translation>&amp;Nuevo pedido…</translation>
    </message>
    <message>
        <source>&amp;Edit and send again…</source>
        <translation>&amp;Editar y enviar de nuevo…</translation>
    </message>
    <message>
        <source>&amp;Drop unsent order</source>
        <translation>&amp;Descartar pedido sin enviar</translation>
    </message>
    <message>
        <source>&amp;Cancel order</source>
        <translation>&amp;Cancelar pedido</translation>
    </message>
    <message>
        <source>&amp;Join</source>
        <translation>&amp;Unirse</translation>
    </message>
    <message>
        <source>Prepare a new order for pickup (%1)</source>
        <translation>Preparar un pedido nuevo para recoger (%1)</translation>
    </message>
    <message>
        <source>Change the refused order and send it to the hub again</source>
        <translation>Cambiar el pedido rechazado y enviarlo de nuevo al hub</translation>
    </message>
    <message>
        <source>Forget an order the hub refused or has not received</source>
        <translation>Olvidar un pedido que el hub rechazó o no ha recibido</translation>
    </message>
    <message>
        <source>Withdraw an order that no driver has taken yet</source>
        <translation>Retirar un pedido que aún no tomó ningún repartidor</translation>
    </message>
    <message>
        <source>&amp;Orders</source>
        <translation>&amp;Pedidos</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>Pedidos</translation>
    </message>
    <message>
        <source>&amp;Store:</source>
        <translation>&amp;Tienda:</translation>
    </message>
    <message>
        <source>store name</source>
        <translation>nombre de la tienda</translation>
    </message>
    <message>
        <source>The store (room) this vendor joins</source>
        <translation>La tienda (sala) a la que se une este vendedor</translation>
    </message>
    <message>
        <source>Order %1 sent again</source>
        <translation>Pedido %1 enviado de nuevo</translation>
    </message>
    <message>
        <source>Cancelling order %1…</source>
        <translation>Cancelando el pedido %1…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Salir</translation>
    </message>
    <message numerus="yes">
        <source>%n order(s) have not reached the hub.</source>
        <translation>
            <numerusform>%n pedido no ha llegado al hub.</numerusform>
            <numerusform>%n pedidos no han llegado al hub.</numerusform>
        </translation>
    </message>
    <message>
        <source>They are kept and sent when this store&apos;s window opens again. Quit now?</source>
        <translation>Se conservan y se envían cuando vuelva a abrirse la ventana de esta tienda. ¿Salir ahora?</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <source>Order refused</source>
        <translation>Pedido rechazado</translation>
    </message>
    <message>
        <source>The hub refused order %1: %2</source>
        <translation>El hub rechazó el pedido %1: %2</translation>
    </message>
    <message>
        <source>Order %1 was not cancelled: %2</source>
        <translation>El pedido %1 no se canceló: %2</translation>
    </message>
    <message>
        <source>Waiting for pickup: %1 · in transit: %2 · delivered: %3</source>
        <translation>Esperando recogida: %1 · en tránsito: %2 · entregados: %3</translation>
    </message>
    <message>
        <source>Order delivered</source>
        <translation>Pedido entregado</translation>
    </message>
    <message>
        <source>Order %1 sent: ready for pickup</source>
        <translation>Pedido %1 enviado: listo para recoger</translation>
    </message>
    <message>
        <source>Order %1 queued: it goes to the hub once connected</source>
        <translation>Pedido %1 en cola: irá al hub en cuanto haya conexión</translation>
    </message>
</context>
<context>
    <name>caps</name>
    <message>
        <source>Hub URL (default %1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run in the terminal, without a window.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give up (exit code 2) when the hub stays unreachable this long; 0 retries for ever (default).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Access token for a hub in token mode (default: the CAPS_TOKEN environment variable).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TOKEN</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>caps::CapsMainWindow</name>
    <message>
        <source>The hub refused the connection: %1</source>
        <translation>El hub rechazó la conexión: %1</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <source>Connect to &amp;hub…</source>
        <translation>Conectar al &amp;hub…</translation>
    </message>
    <message>
        <source>Connect to hub</source>
        <translation>Conectar al hub</translation>
    </message>
    <message>
        <source>Hub &amp;URL:</source>
        <translation>&amp;URL del hub:</translation>
    </message>
    <message>
        <source>“%1” is not a hub URL.</source>
        <translation>«%1» no es una URL de hub.</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ver</translation>
    </message>
    <message>
        <source>&amp;Appearance</source>
        <translation>&amp;Apariencia</translation>
    </message>
    <message>
        <source>&amp;System</source>
        <translation>&amp;Sistema</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>&amp;Claro</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>&amp;Oscuro</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>A&amp;yuda</translation>
    </message>
    <message>
        <source>&amp;About %1</source>
        <translation>&amp;Acerca de %1</translation>
    </message>
    <message>
        <source>About %1</source>
        <translation>Acerca de %1</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;%1&lt;/b&gt; %2&lt;/p&gt;&lt;p&gt;Code Academy Parcel Service: vendors, drivers and customers around a Socket.IO hub.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;%1&lt;/b&gt; %2&lt;/p&gt;&lt;p&gt;Code Academy Parcel Service: tiendas, repartidores y clientes en torno a un hub Socket.IO.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Acerca de &amp;Qt</translation>
    </message>
</context>
<context>
    <name>caps::ConnectionIndicator</name>
    <message>
        <source>Connection: %1</source>
        <translation>Conexión: %1</translation>
    </message>
</context>
<context>
    <name>caps::ConnectionStatus</name>
    <message>
        <source>Connected</source>
        <translation>Conectado</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Conectando…</translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>Reconectando…</translation>
    </message>
    <message numerus="yes">
        <source>Reconnecting in %n s</source>
        <translation>
            <numerusform>Reconectando en %n s</numerusform>
            <numerusform>Reconectando en %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Sin conexión</translation>
    </message>
    <message>
        <source>Reconnected to %1; the hub kept this session</source>
        <translation>Reconectado a %1; el hub conservó esta sesión</translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation>Conectado a %1</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Conectando con %1…</translation>
    </message>
    <message>
        <source>Reconnecting to %1…</source>
        <translation>Reconectando con %1…</translation>
    </message>
    <message numerus="yes">
        <source>Reconnecting to %1 in %n s</source>
        <translation>
            <numerusform>Reconectando con %1 en %n s</numerusform>
            <numerusform>Reconectando con %1 en %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected to a hub</source>
        <translation>Sin conexión con ningún hub</translation>
    </message>
    <message>
        <source>Not connected to %1</source>
        <translation>Sin conexión con %1</translation>
    </message>
    <message>
        <source>Last attempt: %1</source>
        <translation>Último intento: %1</translation>
    </message>
</context>
<context>
    <name>caps::CustomerAgent</name>
    <message>
        <source>Disconnected (%1)</source>
        <translation>Desconectado (%1)</translation>
    </message>
    <message>
        <source>Tracking %1 refused: %2</source>
        <translation>Seguimiento de %1 rechazado: %2</translation>
    </message>
    <message>
        <source>the hub did not answer (it may not support tracking)</source>
        <translation>el hub no respondió (quizá no admite seguimiento)</translation>
    </message>
    <message>
        <source>Tracking %1: %2</source>
        <translation>Seguimiento de %1: %2</translation>
    </message>
</context>
<context>
    <name>caps::CustomerConsole</name>
    <message>
        <source>cannot track %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>caps::DriverAgent</name>
    <message>
        <source>The hub refused %1 of order %2, trying again: %3</source>
        <translation>El hub rechazó %1 del pedido %2, se reintenta: %3</translation>
    </message>
    <message>
        <source>The hub refused %1 of order %2, giving up: %3</source>
        <translation>El hub rechazó %1 del pedido %2, se abandona: %3</translation>
    </message>
    <message>
        <source>Disconnected (%1)</source>
        <translation>Desconectado (%1)</translation>
    </message>
    <message>
        <source>Auto-drive on</source>
        <translation>Reparto automático activado</translation>
    </message>
    <message>
        <source>Auto-drive off</source>
        <translation>Reparto automático desactivado</translation>
    </message>
    <message>
        <source>Order %1 was taken or cancelled while this driver was away</source>
        <translation>El pedido %1 fue tomado o cancelado mientras este repartidor no estaba</translation>
    </message>
    <message>
        <source>Order %1 was cancelled by its vendor</source>
        <translation>La tienda canceló el pedido %1</translation>
    </message>
    <message>
        <source>Order %1 was taken by another driver</source>
        <translation>Otro repartidor tomó el pedido %1</translation>
    </message>
</context>
<context>
    <name>caps::EventCatalogue</name>
    <message>
        <source>Awaiting pickup</source>
        <translation>Esperando recogida</translation>
    </message>
    <message>
        <source>In transit</source>
        <translation>En tránsito</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Entregado</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelado</translation>
    </message>
    <message>
        <source>Taken by a driver</source>
        <translation>Tomado por un repartidor</translation>
    </message>
</context>
<context>
    <name>caps::EventLogModel</name>
    <message>
        <source>Sent</source>
        <translation>Enviado</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Recibido</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Nota</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Evento</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>Pedido</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Detalles</translation>
    </message>
    <message numerus="yes">
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n elemento</numerusform>
            <numerusform>%n elementos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n order(s)</source>
        <translation>
            <numerusform>%n pedido</numerusform>
            <numerusform>%n pedidos</numerusform>
        </translation>
    </message>
    <message>
        <source>ordered %1</source>
        <translation>pedido a las %1</translation>
    </message>
    <message>
        <source>store %1</source>
        <translation>tienda %1</translation>
    </message>
</context>
<context>
    <name>caps::EventLogView</name>
    <message>
        <source>Event log</source>
        <translation>Registro de eventos</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Evento</translation>
    </message>
</context>
<context>
    <name>caps::HubWatchdog</name>
    <message>
        <source>giving up: hub at %1 unreachable for %2 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reconnected to hub at %1; it kept this session</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>connected to hub at %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lost the hub at %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>cannot reach hub at %1 (%2), retrying in %n s</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>no answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>giving up: hub at %1 unreachable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the hub at %1 refused the connection (%2)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>caps::NotificationQueue</name>
    <message numerus="yes">
        <source>%n update(s)</source>
        <translation>
            <numerusform>%n novedad</numerusform>
            <numerusform>%n novedades</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n earlier update(s) in the log</source>
        <translation>
            <numerusform>%n novedad anterior en el registro</numerusform>
            <numerusform>%n novedades anteriores en el registro</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>caps::OrderModel</name>
    <message>
        <source>Not seen yet</source>
        <translation>Aún no visto</translation>
    </message>
    <message>
        <source>Awaiting pickup</source>
        <translation>Esperando recogida</translation>
    </message>
    <message>
        <source>In transit</source>
        <translation>En tránsito</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Entregado</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelado</translation>
    </message>
    <message>
        <source>Refused: %1</source>
        <translation>Rechazado: %1</translation>
    </message>
    <message>
        <source>Queued, not sent yet</source>
        <translation>En cola, aún sin enviar</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>Pedido</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Cliente</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Dirección</translation>
    </message>
    <message>
        <source>Store</source>
        <translation>Tienda</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Ordered at</source>
        <translation>Pedido a las</translation>
    </message>
    <message>
        <source>Until pickup</source>
        <translation>Hasta la recogida</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Total</translation>
    </message>
</context>
<context>
    <name>caps::VendorAgent</name>
    <message>
        <source>The hub refused order %1 for now, trying again: %2</source>
        <translation>El hub rechazó el pedido %1 por ahora, se reintenta: %2</translation>
    </message>
    <message>
        <source>Disconnected (%1)</source>
        <translation>Desconectado (%1)</translation>
    </message>
    <message>
        <source>Thank you for delivering %1</source>
        <translation>Gracias por entregar %1</translation>
    </message>
    <message>
        <source>The store name</source>
        <translation>El nombre de la tienda</translation>
    </message>
    <message>
        <source>The order ID</source>
        <translation>El número de pedido</translation>
    </message>
    <message>
        <source>The customer&apos;s name</source>
        <translation>El nombre del cliente</translation>
    </message>
    <message>
        <source>The address</source>
        <translation>La dirección</translation>
    </message>
    <message numerus="yes">
        <source>%1 has %2 characters; the hub takes at most %n.</source>
        <translation>
            <numerusform>%1 tiene %2 caracteres; el hub acepta como máximo %n.</numerusform>
            <numerusform>%1 tiene %2 caracteres; el hub acepta como máximo %n.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 contains a line break or another control character, which the hub refuses.</source>
        <translation>%1 contiene un salto de línea u otro carácter de control, que el hub rechaza.</translation>
    </message>
    <message>
        <source>Order %1 not sent: %2</source>
        <translation>Pedido %1 no enviado: %2</translation>
    </message>
    <message>
        <source>Order %1 edited, sending it again</source>
        <translation>Pedido %1 editado, se envía de nuevo</translation>
    </message>
    <message>
        <source>Order %1 dropped</source>
        <translation>Pedido %1 descartado</translation>
    </message>
    <message>
        <source>Order %1 queued: it goes to the hub once connected</source>
        <translation>Pedido %1 en cola: irá al hub en cuanto haya conexión</translation>
    </message>
    <message>
        <source>The hub would not cancel order %1: %2</source>
        <translation>El hub no canceló el pedido %1: %2</translation>
    </message>
    <message>
        <source>The hub refused order %1: %2</source>
        <translation>El hub rechazó el pedido %1: %2</translation>
    </message>
    <message>
        <source>refused by the hub</source>
        <translation>rechazado por el hub</translation>
    </message>
    <message>
        <source>Could not read the unsent orders: %1</source>
        <translation>No se pudieron leer los pedidos sin enviar: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n unsent order(s) kept from the last run</source>
        <translation>
            <numerusform>%n pedido sin enviar conservado de la última vez</numerusform>
            <numerusform>%n pedidos sin enviar conservados de la última vez</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not keep the unsent orders on disk: %1</source>
        <translation>No se pudieron guardar los pedidos sin enviar: %1</translation>
    </message>
    <message>
        <source>Joined store %1</source>
        <translation>Unido a la tienda %1</translation>
    </message>
    <message numerus="yes">
        <source>%n order(s) of store %1 loaded from the hub</source>
        <translation>
            <numerusform>%n pedido de %1 cargado del hub</numerusform>
            <numerusform>%n pedidos de %1 cargados del hub</numerusform>
        </translation>
    </message>
    <message>
        <source>Order %1 cancelled</source>
        <translation>Pedido %1 cancelado</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>invalid hub URL %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--connect-timeout needs a number of milliseconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CAPS customer: tracks orders.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Track this order id (may be repeated).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ORDER</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Track every order of this customer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>NAME</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Headless: exit 0 once every --track order is delivered.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--headless needs --track ORDER or --customer NAME</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--until-delivered needs --track ORDER</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CAPS Customer</source>
        <translation>CAPS Cliente</translation>
    </message>
    <message>
        <source>built without windows: use --headless</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CAPS driver: picks up and delivers orders.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Headless: milliseconds from pickup to in-transit (default 1000).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Headless: milliseconds from pickup to delivered (default 3000).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>delays are numbers of milliseconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CAPS Driver</source>
        <translation>CAPS Repartidor</translation>
    </message>
    <message>
        <source>CAPS vendor: prepares orders for pickup.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Store (room) to join.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Headless: milliseconds between orders (default 5000).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Headless: place N orders, exit 0 once all are delivered.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>N</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Headless: every order for this customer (default: random names).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the store name must not be empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--interval needs a positive number of milliseconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--count needs a number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CAPS Vendor</source>
        <translation>CAPS Tienda</translation>
    </message>
</context>
</TS>
