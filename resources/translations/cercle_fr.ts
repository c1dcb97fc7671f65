<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
<context>
    <name>AccountBar</name>
    <message>
        <location filename="../../desktop/views/account_bar.py" line="+114"/>
        <source>Accounts</source>
        <translation>Comptes</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Your accounts side by side: choose one to show it (Ctrl+1 to Ctrl+9)</source>
        <translation>Vos comptes côte à côte&#xa0;: choisissez-en un pour l’afficher (Ctrl+1 à Ctrl+9)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add account…</source>
        <translation>Ajouter un compte…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add account</source>
        <translation>Ajouter un compte</translation>
    </message>
</context>
<context>
    <name>AccountListModel</name>
    <message>
        <location filename="../../desktop/models/accounts.py" line="+52"/>
        <source>Account not open yet</source>
        <translation>Compte pas encore ouvert</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Account {n} (not open or not signed in yet)</source>
        <translation>Compte {n} (pas encore ouvert ni connecté)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{user}: {count} unread, {mentions} mentioning you</source>
        <translation>{user}&#xa0;: {count} non lus, dont {mentions} vous mentionnant</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{user}: {count} unread</source>
        <translation>{user}&#xa0;: {count} non lus</translation>
    </message>
</context>
<context>
    <name>AccountMenu</name>
    <message>
        <location filename="../../desktop/tools/account_screens.py" line="+57"/>
        <location filename="../../desktop/views/account_pane.py" line="+248"/>
        <source>&amp;Accounts</source>
        <translation>&amp;Comptes</translation>
    </message>
    <message>
        <location filename="../../desktop/views/account_pane.py" line="+1"/>
        <source>Add account…</source>
        <translation>Ajouter un compte…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign out of this account…</source>
        <translation>Se déconnecter de ce compte…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Next account	Ctrl+Alt+Down</source>
        <translation>Compte suivant	Ctrl+Alt+Down</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Previous account	Ctrl+Alt+Up</source>
        <translation>Compte précédent	Ctrl+Alt+Up</translation>
    </message>
</context>
<context>
    <name>AccountsWindow</name>
    <message>
        <location line="-128"/>
        <source>this new account</source>
        <translation>ce nouveau compte</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sign out</source>
        <translation>Se déconnecter</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sign out of {user}? Its messages and keys are removed from this computer; without a recovery key, encrypted history may not come back.</source>
        <translation>Se déconnecter de {user}&#xa0;? Ses messages et ses clés seront effacés de cet ordinateur&#xa0;; sans clé de récupération, l’historique chiffré risque de ne pas revenir.</translation>
    </message>
</context>
<context>
    <name>AclDialog</name>
    <message>
        <location filename="../../desktop/dialogs/acl.py" line="+102"/>
        <source>Partner servers of {community}</source>
        <translation>Serveurs partenaires de {community}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Only the servers on this list may take part in the community&apos;s rooms. Patterns may use * and ?, for example *.partner.example.</source>
        <translation>Seuls les serveurs de cette liste peuvent participer aux salons de la communauté. Les motifs acceptent * et&#xa0;?, par exemple *.partenaire.example.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Allowed servers</source>
        <translation>Serveurs autorisés</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>your company, always allowed</source>
        <translation>votre entreprise, toujours autorisée</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>partner.example</source>
        <translation>partenaire.example</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Server to allow</source>
        <translation>Serveur à autoriser</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add</source>
        <translation>Ajouter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove</source>
        <translation>Retirer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Apply to every room</source>
        <translation>Appliquer à tous les salons</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{server} is your company&apos;s server: without it, your own people could no longer send or receive anything in the community&apos;s rooms. It stays on the list.</source>
        <translation>{server} est le serveur de votre entreprise&#xa0;: sans lui, vos propres collègues ne pourraient plus rien envoyer ni recevoir dans les salons de la communauté. Il reste dans la liste.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>“{pattern}” cannot be used: {reason}</source>
        <translation>«&#xa0;{pattern}&#xa0;» ne peut pas être utilisé&#xa0;: {reason}</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Applying the list to every room of the community…</source>
        <translation>Application de la liste à tous les salons de la communauté…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Applying the list: {done} of {total} rooms…</source>
        <translation>Application de la liste&#xa0;: {done} salons sur {total}…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Applied to {rooms} rooms.</source>
        <translation>Appliquée à {rooms} salons.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not applied to {failed} rooms.</source>
        <translation>Non appliquée à {failed} salons.</translation>
    </message>
</context>
<context>
    <name>Attention</name>
    <message>
        <location filename="../../desktop/attention.py" line="+153"/>
        <source>Verify someone</source>
        <translation>Vérifier quelqu’un</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Their Matrix id (for example @camille:velotech.example):</source>
        <translation>Son identifiant Matrix (par exemple @camille:velotech.example)&#xa0;:</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Identity changed</source>
        <translation>Identité modifiée</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{user}’s identity has changed</source>
        <translation>L’identité de {user} a changé</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>You had verified {user}. They may have reset their account or signed in again without their recovery key — or someone may be trying to read your messages. Check with them in person or on a call before you share anything sensitive.</source>
        <translation>Vous aviez vérifié {user}. Cette personne a peut-être réinitialisé son compte ou s’est reconnectée sans sa clé de récupération — ou quelqu’un essaie peut-être de lire vos messages. Vérifiez avec elle en personne ou par téléphone avant de partager quoi que ce soit de sensible.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Later</source>
        <translation>Plus tard</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>I understand</source>
        <translation>J’ai compris</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Verify again</source>
        <translation>Vérifier à nouveau</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>{user}’s identity changed (they were not verified).</source>
        <translation>L’identité de {user} a changé (cette personne n’était pas vérifiée).</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Your user id is copied.</source>
        <translation>Votre identifiant est copié.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>All messages</source>
        <translation>Tous les messages</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mentions only</source>
        <translation>Mentions uniquement</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mute</source>
        <translation>Couper les notifications</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Verify by emoji…</source>
        <translation>Vérifier par émojis…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Remove from the community…</source>
        <translation>Retirer de la communauté…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ban from the community…</source>
        <translation>Bannir de la communauté…</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>{name} was removed from {count} rooms of {community}.</source>
        <translation>{name} a été retiré(e) de {count} salons de {community}.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{name} was banned from {count} rooms of {community}.</source>
        <translation>{name} a été banni(e) de {count} salons de {community}.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{count} rooms refused: {reason}</source>
        <translation>{count} salons ont refusé&#xa0;: {reason}</translation>
    </message>
    <message>
        <location line="+42"/>
        <location filename="../../desktop/tools/account_screens.py" line="+1"/>
        <source>&amp;Security</source>
        <translation>&amp;Sécurité</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Security settings…</source>
        <translation>Paramètres de sécurité…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Verify someone…</source>
        <translation>Vérifier quelqu’un…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Profile</source>
        <translation>&amp;Profil</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your profile…</source>
        <translation>Votre profil…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy your user id</source>
        <translation>Copier votre identifiant</translation>
    </message>
</context>
<context>
    <name>BrowseDialog</name>
    <message>
        <location filename="../../desktop/dialogs/browse.py" line="+55"/>
        <source>Loading the rooms…</source>
        <translation>Chargement des salons…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Rooms of {community}</source>
        <translation>Salons de {community}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rooms of the community</source>
        <translation>Salons de la communauté</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>★ suggested</source>
        <translation>★ suggéré</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>joined</source>
        <translation>rejoint</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>access asked</source>
        <translation>accès demandé</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>on request</source>
        <translation>sur demande</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{n} members</source>
        <translation>{n} membres</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Suggested rooms come first. Join any room of the community.</source>
        <translation>Les salons suggérés viennent en premier. Rejoignez n’importe quel salon de la communauté.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This community lists no rooms you can see.</source>
        <translation>Cette communauté ne liste aucun salon visible pour vous.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Ask to join</source>
        <translation>Demander à rejoindre</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Join</source>
        <translation>Rejoindre</translation>
    </message>
</context>
<context>
    <name>CharterDialog</name>
    <message>
        <location filename="../../desktop/dialogs/charter.py" line="+73"/>
        <source>Charter of {community}</source>
        <translation>Charte de {community}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Charter text</source>
        <translation>Texte de la charte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Version {version}. You have accepted it.</source>
        <translation>Version {version}. Vous l’avez acceptée.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The charter changed: this is version {version} (you accepted version {old}). Read it and accept it to post again.</source>
        <translation>La charte a changé&#xa0;: voici la version {version} (vous aviez accepté la version {old}). Lisez-la et acceptez-la pour publier à nouveau.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Version {version}. Read the charter and accept it to start posting in this community.</source>
        <translation>Version {version}. Lisez la charte et acceptez-la pour commencer à publier dans cette communauté.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>I accept</source>
        <translation>J’accepte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Text of the next version (markdown)</source>
        <translation>Texte de la prochaine version (markdown)</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+37"/>
        <source>Publish version {version}</source>
        <translation>Publier la version {version}</translation>
    </message>
    <message>
        <location line="-35"/>
        <source>Write a new version…</source>
        <translation>Rédiger une nouvelle version…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>I accept version {version} of the charter</source>
        <translation>J’accepte la version {version} de la charte</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Write the next version in markdown. Once published, every member (you included) accepts it again before posting.</source>
        <translation>Rédigez la prochaine version en markdown. Une fois publiée, chaque membre (vous compris) l’accepte de nouveau avant de publier.</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>A charter needs some text.</source>
        <translation>Une charte a besoin d’un texte.</translation>
    </message>
</context>
<context>
    <name>CommunityActions</name>
    <message>
        <location filename="../../desktop/views/community_actions.py" line="+57"/>
        <source>Report to the moderators…</source>
        <translation>Signaler aux modérateurs…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Delete (moderation)…</source>
        <translation>Supprimer (modération)…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Remove {name} from the community…</source>
        <translation>Retirer {name} de la communauté…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Ban {name} from the community…</source>
        <translation>Bannir {name} de la communauté…</translation>
    </message>
</context>
<context>
    <name>CommunityController</name>
    <message>
        <location filename="../../desktop/views/community.py" line="+89"/>
        <source>Reading the community&apos;s rules…</source>
        <translation>Lecture des règles de la communauté…</translation>
    </message>
    <message>
        <location line="+103"/>
        <source>You have not joined any room of this community yet.</source>
        <translation>Vous n’avez encore rejoint aucun salon de cette communauté.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Browse its rooms…</source>
        <translation>Parcourir ses salons…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>This community&apos;s editorial line takes documents here, not messages.</source>
        <translation>La ligne éditoriale de cette communauté accepte ici des documents, pas des messages.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Attach a file…</source>
        <translation>Joindre un fichier…</translation>
    </message>
    <message>
        <location line="+213"/>
        <source>Read the charter…</source>
        <translation>Lire la charte…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Write a message ({tone}, in {language})…</source>
        <translation>Écrire un message ({tone}, en {language})…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Write a message (in {language})…</source>
        <translation>Écrire un message (en {language})…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The charter has a new version ({version}): read and accept it to post again.</source>
        <translation>La charte a une nouvelle version ({version})&#xa0;: lisez-la et acceptez-la pour publier à nouveau.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Read and accept the community&apos;s charter to start posting.</source>
        <translation>Lisez et acceptez la charte de la communauté pour commencer à publier.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Only the community&apos;s managers post in this room.</source>
        <translation>Seuls les responsables de la communauté publient dans ce salon.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Join this room of the community to post in it.</source>
        <translation>Rejoignez ce salon de la communauté pour y publier.</translation>
    </message>
</context>
<context>
    <name>CommunityHeader</name>
    <message>
        <location filename="../../desktop/views/community_header.py" line="+109"/>
        <source>Community</source>
        <translation>Communauté</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Charter</source>
        <translation>Charte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Read the community&apos;s charter</source>
        <translation>Lire la charte de la communauté</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rooms…</source>
        <translation>Salons…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Browse the community&apos;s rooms</source>
        <translation>Parcourir les salons de la communauté</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Manage</source>
        <translation>Gérer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Manage the community</source>
        <translation>Gérer la communauté</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Roles and charter acceptance…</source>
        <translation>Rôles et acceptation de la charte…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Partner servers…</source>
        <translation>Serveurs partenaires…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Invite someone…</source>
        <translation>Inviter quelqu’un…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Moderation log…</source>
        <translation>Journal de modération…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Partner community</source>
        <translation>Communauté partenaires</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Public community</source>
        <translation>Communauté publique</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Internal community</source>
        <translation>Communauté interne</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>messages</source>
        <translation>messages</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>questions</source>
        <translation>questions</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ideas</source>
        <translation>idées</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>announcements</source>
        <translation>annonces</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>documents</source>
        <translation>documents</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Tone: {tone}</source>
        <translation>Ton&#xa0;: {tone}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Posts: {types}</source>
        <translation>Publications&#xa0;: {types}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Language: {language}</source>
        <translation>Langue&#xa0;: {language}</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>You take part as a partner guest from {server}: what you post here is read by another company.</source>
        <translation>Vous participez en tant qu’invité partenaire depuis {server}&#xa0;: ce que vous publiez ici est lu par une autre entreprise.</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Guides: {titles}</source>
        <translation>Guides&#xa0;: {titles}</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <location filename="../../desktop/views/composer.py" line="+205"/>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Write a message…</source>
        <translation>Écrivez un message…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Send</source>
        <translation>Envoyer</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Save</source>
        <translation>Enregistrer</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Send message</source>
        <translation>Envoyer le message</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Save the edited message</source>
        <translation>Enregistrer le message modifié</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+1"/>
        <source>Insert an emoji</source>
        <translation>Insérer un émoji</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+278"/>
        <source>Attach files</source>
        <translation>Joindre des fichiers</translation>
    </message>
    <message>
        <location line="-277"/>
        <source>Attach files (or paste, or drop them here)</source>
        <translation>Joindre des fichiers (ou les coller, ou les déposer ici)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel editing</source>
        <translation>Annuler la modification</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cancel the reply</source>
        <translation>Annuler la réponse</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel (Esc)</source>
        <translation>Annuler (Échap)</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+225"/>
        <source>Suggestions</source>
        <translation>Suggestions</translation>
    </message>
    <message>
        <location line="-55"/>
        <source>Replying to {name}: {text}</source>
        <translation>En réponse à {name}&#xa0;: {text}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Editing your message</source>
        <translation>Modification de votre message</translation>
    </message>
</context>
<context>
    <name>ComposerController</name>
    <message>
        <location filename="../../desktop/composing.py" line="+143"/>
        <source>Not sent: {name} is {size}, your server accepts files up to {limit}.</source>
        <translation>Non envoyé&#xa0;: {name} fait {size}, votre serveur accepte des fichiers jusqu’à {limit}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Not sent: {name} cannot be read ({reason}).</source>
        <translation>Non envoyé&#xa0;: impossible de lire {name} ({reason}).</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+17"/>
        <source>Not sent: {reason}</source>
        <translation>Non envoyé&#xa0;: {reason}</translation>
    </message>
</context>
<context>
    <name>DemoLauncher</name>
    <message>
        <location filename="../../desktop/demo.py" line="+26"/>
        <source>Starting the demo network…</source>
        <translation>Démarrage du réseau de démonstration…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resetting the demo network…</source>
        <translation>Réinitialisation du réseau de démonstration…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Starting the company and partner homeservers…</source>
        <translation>Démarrage des serveurs de l’entreprise et du partenaire…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Seeding the demo communities…</source>
        <translation>Création des communautés de démonstration…</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>Signing in as Camille Laurent…</source>
        <translation>Connexion en tant que Camille Laurent…</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Signing in as Élodie Martin…</source>
        <translation>Connexion en tant qu’Élodie Martin…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The demo network could not start: {error}</source>
        <translation>Le réseau de démonstration n’a pas pu démarrer&#xa0;: {error}</translation>
    </message>
</context>
<context>
    <name>DeviceListModel</name>
    <message>
        <location filename="../../desktop/models/devices.py" line="+34"/>
        <source>verified</source>
        <translation>vérifié</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>cross-signed</source>
        <translation>signé par votre identité</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not verified</source>
        <translation>non vérifié</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>this device</source>
        <translation>cet appareil</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>last seen {date}</source>
        <translation>vu pour la dernière fois {date}</translation>
    </message>
</context>
<context>
    <name>EmojiPicker</name>
    <message>
        <location filename="../../desktop/dialogs/emoji_picker.py" line="+119"/>
        <location line="+4"/>
        <source>Emoji</source>
        <translation>Émoji</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Emoji picker</source>
        <translation>Sélecteur d’émojis</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Search emoji…</source>
        <translation>Rechercher un émoji…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Search emoji</source>
        <translation>Rechercher un émoji</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Recently used</source>
        <translation>Utilisés récemment</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Smileys and emotions</source>
        <translation>Smileys et émotions</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>People and body</source>
        <translation>Personnes et corps</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Animals and nature</source>
        <translation>Animaux et nature</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Food and drink</source>
        <translation>Nourriture et boissons</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Activities</source>
        <translation>Activités</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Travel and places</source>
        <translation>Voyages et lieux</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Objects</source>
        <translation>Objets</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Symbols</source>
        <translation>Symboles</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Flags</source>
        <translation>Drapeaux</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>No emoji found</source>
        <translation>Aucun émoji trouvé</translation>
    </message>
</context>
<context>
    <name>HomeView</name>
    <message>
        <location filename="../../desktop/views/home.py" line="+144"/>
        <source>Rooms</source>
        <translation>Salons</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Details</source>
        <translation>Détails</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Members, threads, files and pinned messages (Ctrl+I)</source>
        <translation>Membres, fils, fichiers et messages épinglés (Ctrl+I)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Room details</source>
        <translation>Détails du salon</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+60"/>
        <source>Signed in as {user}</source>
        <translation>Compte connecté&#xa0;: {user}</translation>
    </message>
    <message>
        <location line="-28"/>
        <source>All rooms</source>
        <translation>Tous les salons</translation>
    </message>
</context>
<context>
    <name>InvitationBar</name>
    <message>
        <location filename="../../desktop/views/invitation_bar.py" line="+57"/>
        <source>You are invited to the community {name}.</source>
        <translation>Vous êtes invité(e) dans la communauté {name}.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>You are invited to join {name}.</source>
        <translation>Vous êtes invité(e) à rejoindre {name}.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>People from other organisations take part: {servers}.</source>
        <translation>Des personnes d’autres organisations y participent&#xa0;: {servers}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+2"/>
        <source>Join</source>
        <translation>Rejoindre</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Decline</source>
        <translation>Refuser</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Decline the invitation</source>
        <translation>Refuser l’invitation</translation>
    </message>
</context>
<context>
    <name>InviteDialog</name>
    <message>
        <location filename="../../desktop/dialogs/invite.py" line="+64"/>
        <source>Invite to {community}</source>
        <translation>Inviter dans {community}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Matrix ID:</source>
        <translation>Identifiant &amp;Matrix&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Invite anyway</source>
        <translation>Inviter quand même</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+38"/>
        <source>Invite</source>
        <translation>Inviter</translation>
    </message>
    <message>
        <location line="-34"/>
        <source>⚠ {user} is not from your company ({server}). {community} is an internal community: they would read its rooms and their history. Invite them only if that is intended.</source>
        <translation>⚠ {user} ne fait pas partie de votre entreprise ({server}). {community} est une communauté interne&#xa0;: cette personne lirait ses salons et leur historique. Ne l’invitez que si c’est voulu.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>A Matrix ID looks like @name:server.example.</source>
        <translation>Un identifiant Matrix ressemble à @nom:serveur.example.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Inviting {user}…</source>
        <translation>Invitation de {user}…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{user} is invited (external).</source>
        <translation>{user} est invité(e) (externe).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{user} is invited.</source>
        <translation>{user} est invité(e).</translation>
    </message>
</context>
<context>
    <name>LoginView</name>
    <message>
        <location filename="../../desktop/views/login.py" line="+192"/>
        <source>The server is set by your organisation.</source>
        <translation>Le serveur est fixé par votre organisation.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Your organisation&apos;s policy for Cercle names no usable server. Contact your IT department.</source>
        <translation>La stratégie de votre organisation pour Cercle n’indique aucun serveur utilisable. Contactez votre service informatique.</translation>
    </message>
    <message>
        <location line="-23"/>
        <source>Welcome to Cercle</source>
        <translation>Bienvenue dans Cercle</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Your session expired</source>
        <translation>Votre session a expiré</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Your company&apos;s network, shared with its partners.</source>
        <translation>Le réseau de votre entreprise, partagé avec ses partenaires.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Homeserver address</source>
        <translation>Adresse du serveur d’accueil</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>@name:example.com or name</source>
        <translation>@nom:example.com ou nom</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>User name</source>
        <translation>Identifiant</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+4"/>
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
    <message>
        <location line="-3"/>
        <location line="+254"/>
        <source>Sign in</source>
        <translation>Se connecter</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Signing in…</source>
        <translation>Connexion…</translation>
    </message>
    <message>
        <location line="-251"/>
        <source>Homeserver</source>
        <translation>Serveur d’accueil</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>User</source>
        <translation>Identifiant</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Use another homeserver</source>
        <translation>Utiliser un autre serveur d’accueil</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>or</source>
        <translation>ou</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Finish signing in in your browser…</source>
        <translation>Terminez la connexion dans votre navigateur…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel single sign-on</source>
        <translation>Annuler l’authentification unique</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Found {server}</source>
        <translation>Serveur trouvé&#xa0;: {server}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Looking for your homeserver…</source>
        <translation>Recherche de votre serveur d’accueil…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Continue with {provider}</source>
        <translation>Continuer avec {provider}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Continue with single sign-on</source>
        <translation>Continuer avec l’authentification unique</translation>
    </message>
    <message>
        <location line="+175"/>
        <source>Enter your password.</source>
        <translation>Saisissez votre mot de passe.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Enter the homeserver address, your user name and password.</source>
        <translation>Saisissez l’adresse du serveur d’accueil, votre identifiant et votre mot de passe.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop/views/main_window.py" line="+78"/>
        <source>Opening your data…</source>
        <translation>Ouverture de vos données…</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Unlocking your data…</source>
        <translation>Déverrouillage de vos données…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cercle cannot open its data</source>
        <translation>Cercle ne peut pas ouvrir ses données</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Connection problem, retrying in {s:.0f} s: {detail}</source>
        <translation>Problème de connexion, nouvel essai dans {s:.0f}&#xa0;s&#xa0;: {detail}</translation>
    </message>
</context>
<context>
    <name>MemberListModel</name>
    <message>
        <location filename="../../desktop/dialogs/roles.py" line="+62"/>
        <source>accepted the charter</source>
        <translation>a accepté la charte</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>accepted version {old} only</source>
        <translation>n’a accepté que la version {old}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>has not accepted the charter</source>
        <translation>n’a pas accepté la charte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>external</source>
        <translation>externe</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Community manager</source>
        <translation>Responsable de communauté</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Moderator</source>
        <translation>Modérateur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Member</source>
        <translation>Membre</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Partner guest</source>
        <translation>Invité partenaire</translation>
    </message>
    <message>
        <location filename="../../desktop/models/panels.py" line="+42"/>
        <source>external: from another organisation</source>
        <translation>externe&#xa0;: d’une autre organisation</translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <location filename="../../desktop/delegates/messages.py" line="+176"/>
        <source>(edited)</source>
        <translation>(modifié)</translation>
    </message>
    <message>
        <location line="+114"/>
        <source>Download</source>
        <translation>Télécharger</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open</source>
        <translation>Ouvrir</translation>
    </message>
    <message>
        <location line="+84"/>
        <source>Remove your {key} reaction</source>
        <translation>Retirer votre réaction {key}</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>React with {key}</source>
        <translation>Réagir avec {key}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Show the original message</source>
        <translation>Afficher le message d’origine</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open the thread</source>
        <translation>Ouvrir le fil</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show full size</source>
        <translation>Afficher en taille réelle</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save this file where you choose</source>
        <translation>Enregistrer ce fichier à l’endroit de votre choix</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <location line="+76"/>
        <source>Today</source>
        <translation>Aujourd’hui</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Yesterday</source>
        <translation>Hier</translation>
    </message>
    <message>
        <location line="+79"/>
        <source>In reply to a message that is not loaded</source>
        <translation>En réponse à un message non chargé</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Message deleted</source>
        <translation>Message supprimé</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>1 reply</source>
        <translation>1 réponse</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{count} replies</source>
        <translation>{count} réponses</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{replies} · last from {name}</source>
        <translation>{replies} · dernière réponse de {name}</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Verify this device</source>
        <translation>Vérifier cet appareil</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enter your recovery key</source>
        <translation>Saisir votre clé de récupération</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Not sent. Right-click to retry or discard.</source>
        <translation>Non envoyé. Clic droit pour réessayer ou abandonner.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not sent: the server refused it ({reason}). Right-click to retry or discard.</source>
        <translation>Non envoyé : le serveur l’a refusé ({reason}). Clic droit pour réessayer ou abandonner.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sending…</source>
        <translation>Envoi…</translation>
    </message>
</context>
<context>
    <name>MessageModel</name>
    <message>
        <location filename="../../desktop/models/messages.py" line="+78"/>
        <source>message deleted</source>
        <translation>message supprimé</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{text} (edited)</source>
        <translation>{text} (modifié)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}: {text}</source>
        <translation>{name}&#xa0;: {text}</translation>
    </message>
</context>
<context>
    <name>ModerationDialog</name>
    <message>
        <location filename="../../desktop/dialogs/moderation.py" line="+55"/>
        <source>Report a message</source>
        <translation>Signaler un message</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The message from {who} goes to the moderators of {community} and to your server&apos;s administrators. Say what is wrong:</source>
        <translation>Le message de {who} sera transmis aux modérateurs de {community} et aux administrateurs de votre serveur. Dites ce qui ne va pas&#xa0;:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Report</source>
        <translation>Signaler</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Delete a message</source>
        <translation>Supprimer un message</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The message from {who} will be deleted for everyone. Reason (shown):</source>
        <translation>Le message de {who} sera supprimé pour tout le monde. Motif (affiché)&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remove from the community</source>
        <translation>Retirer de la communauté</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{who} will be removed from every room of {community} at once. They may come back if invited. Reason (shown to them):</source>
        <translation>{who} sera retiré(e) de tous les salons de {community} d’un coup. Cette personne pourra revenir si on l’invite. Motif (qui lui sera affiché)&#xa0;:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remove everywhere</source>
        <translation>Retirer partout</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Ban from the community</source>
        <translation>Bannir de la communauté</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{who} will be banned from every room of {community} at once and cannot come back. Reason (kept in the moderation log):</source>
        <translation>{who} sera banni(e) de tous les salons de {community} d’un coup et ne pourra pas revenir. Motif (conservé dans le journal de modération)&#xa0;:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Ban everywhere</source>
        <translation>Bannir partout</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Reason</source>
        <translation>Motif</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
</context>
<context>
    <name>ModerationLogDialog</name>
    <message>
        <location line="+34"/>
        <source>Loading the log…</source>
        <translation>Chargement du journal…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Moderation log of {community}</source>
        <translation>Journal de modération de {community}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Moderation log</source>
        <translation>Journal de modération</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{count} entries, newest first.</source>
        <translation>{count} entrées, les plus récentes en premier.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nothing reported and no action taken yet.</source>
        <translation>Aucun signalement ni aucune action pour l’instant.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>{who} reported a message</source>
        <translation>{who} a signalé un message</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{who} banned {target} from {rooms} rooms</source>
        <translation>{who} a banni {target} de {rooms} salons</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who} removed {target} from {rooms} rooms</source>
        <translation>{who} a retiré {target} de {rooms} salons</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who} lifted the ban on {target}</source>
        <translation>{who} a levé le bannissement de {target}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who} acted on {target}</source>
        <translation>{who} est intervenu(e) sur {target}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>: “{reason}”</source>
        <translation>&#xa0;: «&#xa0;{reason}&#xa0;»</translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message>
        <location filename="../../desktop/notifications.py" line="+72"/>
        <source>Notification settings not changed: {reason}</source>
        <translation>Réglages de notification inchangés&#xa0;: {reason}</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>{sender} mentioned you in {room}</source>
        <translation>{sender} vous a mentionné(e) dans {room}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{sender} wrote to you</source>
        <translation>{sender} vous a écrit</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{text}
(account {account})</source>
        <translation>{text}
(compte {account})</translation>
    </message>
</context>
<context>
    <name>PassphraseDialog</name>
    <message>
        <location filename="../../desktop/dialogs/passphrase.py" line="+27"/>
        <source>Protect your Cercle data</source>
        <translation>Protégez vos données Cercle</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This computer has no secure keyring to hold the key of Cercle&apos;s local data. Choose a passphrase: you will enter it each time Cercle starts. Without it, the data stored on this computer cannot be read.</source>
        <translation>Cet ordinateur n’a pas de trousseau sécurisé pour conserver la clé des données locales de Cercle. Choisissez une phrase de passe&#xa0;: vous la saisirez à chaque démarrage de Cercle. Sans elle, les données enregistrées sur cet ordinateur sont illisibles.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Enter the passphrase that protects Cercle&apos;s data on this computer.</source>
        <translation>Saisissez la phrase de passe qui protège les données de Cercle sur cet ordinateur.</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+12"/>
        <source>Passphrase</source>
        <translation>Phrase de passe</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>Passphrase again</source>
        <translation>Confirmation de la phrase de passe</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Again</source>
        <translation>Confirmation</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Enter a passphrase.</source>
        <translation>Saisissez une phrase de passe.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Use at least {n} characters.</source>
        <translation>Utilisez au moins {n}&#xa0;caractères.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The two passphrases differ.</source>
        <translation>Les deux phrases de passe sont différentes.</translation>
    </message>
</context>
<context>
    <name>PinnedListModel</name>
    <message>
        <location filename="../../desktop/models/panels.py" line="+43"/>
        <location line="+3"/>
        <source>A message not loaded yet</source>
        <translation>Un message pas encore chargé</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}: {text}</source>
        <translation>{name}&#xa0;: {text}</translation>
    </message>
</context>
<context>
    <name>PreferencesMenu</name>
    <message>
        <location filename="../../desktop/preferences.py" line="+62"/>
        <location filename="../../desktop/tools/account_screens.py" line="+1"/>
        <source>&amp;Preferences</source>
        <translation>&amp;Préférences</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Language</source>
        <translation>&amp;Langue</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Appearance</source>
        <translation>&amp;Apparence</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+4"/>
        <source>As the system</source>
        <translation>Comme le système</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Light</source>
        <translation>Clair</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dark</source>
        <translation>Sombre</translation>
    </message>
</context>
<context>
    <name>ProfileDialog</name>
    <message>
        <location filename="../../desktop/dialogs/profile.py" line="+123"/>
        <source>Your profile</source>
        <translation>Votre profil</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose a picture…</source>
        <translation>Choisir une photo…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your picture</source>
        <translation>Votre photo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Display name</source>
        <translation>Nom affiché</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How others see you</source>
        <translation>Le nom que les autres voient</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the name</source>
        <translation>Enregistrer le nom</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy user id</source>
        <translation>Copier l’identifiant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Display name:</source>
        <translation>Nom affiché&#xa0;:</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>User id:</source>
        <translation>Identifiant&#xa0;:</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Server:</source>
        <translation>Serveur&#xa0;:</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Reading your profile…</source>
        <translation>Lecture de votre profil…</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Saving your name…</source>
        <translation>Enregistrement de votre nom…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Your name is now {name}.</source>
        <translation>Votre nom est désormais {name}.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Choose a picture</source>
        <translation>Choisir une photo</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Images (*.png *.jpg *.jpeg *.webp *.gif)</source>
        <translation>Images (*.png *.jpg *.jpeg *.webp *.gif)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Sending your picture…</source>
        <translation>Envoi de votre photo…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Your picture is changed.</source>
        <translation>Votre photo est changée.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Your user id is copied.</source>
        <translation>Votre identifiant est copié.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>This file is not a picture Cercle can read. Choose a PNG or JPEG.</source>
        <translation>Ce fichier n’est pas une image que Cercle sait lire. Choisissez un PNG ou un JPEG.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A display name cannot be empty.</source>
        <translation>Le nom affiché ne peut pas être vide.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The file cannot be read: {reason}</source>
        <translation>Impossible de lire le fichier&#xa0;: {reason}</translation>
    </message>
</context>
<context>
    <name>Rail</name>
    <message>
        <location filename="../../desktop/views/rail.py" line="+54"/>
        <source>Communities</source>
        <translation>Communautés</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Home and your communities: choose one to see only its rooms</source>
        <translation>Accueil et vos communautés&#xa0;: choisissez-en une pour ne voir que ses salons</translation>
    </message>
</context>
<context>
    <name>RecoveryKeyDialog</name>
    <message>
        <location filename="../../desktop/dialogs/recovery.py" line="+126"/>
        <source>Copied</source>
        <translation>Copiée</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Your recovery key</source>
        <translation>Votre clé de récupération</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save your recovery key</source>
        <translation>Enregistrez votre clé de récupération</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>With it you can read your encrypted messages on a new device, or after losing this one. Keep it in a password manager or print it. Cercle shows it only this once.</source>
        <translation>Elle vous permet de lire vos messages chiffrés sur un nouvel appareil, ou après avoir perdu celui-ci. Gardez-la dans un gestionnaire de mots de passe ou imprimez-la. Cercle ne l’affiche qu’une seule fois.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Recovery key</source>
        <translation>Clé de récupération</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy</source>
        <translation>Copier</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>I saved it</source>
        <translation>Je l’ai enregistrée</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <location filename="../../desktop/models/panels.py" line="-72"/>
        <source>Community manager</source>
        <translation>Responsable de communauté</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Moderator</source>
        <translation>Modérateur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Member</source>
        <translation>Membre</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Partner guest</source>
        <translation>Invité partenaire</translation>
    </message>
</context>
<context>
    <name>RolesDialog</name>
    <message>
        <location filename="../../desktop/dialogs/roles.py" line="+76"/>
        <source>Loading the members…</source>
        <translation>Chargement des membres…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Roles in {community}</source>
        <translation>Rôles dans {community}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Members</source>
        <translation>Membres</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Role:</source>
        <translation>&amp;Rôle&#xa0;:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Apply to every room</source>
        <translation>Appliquer à tous les salons</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>This community has no charter.</source>
        <translation>Cette communauté n’a pas de charte.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{accepted} of {total} members accepted version {version} of the charter.</source>
        <translation>{accepted} membres sur {total} ont accepté la version {version} de la charte.</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Applying the role to every room of the community…</source>
        <translation>Application du rôle à tous les salons de la communauté…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Applied in {rooms} rooms.</source>
        <translation>Appliqué dans {rooms} salons.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not applied in {failed} rooms.</source>
        <translation>Non appliqué dans {failed} salons.</translation>
    </message>
</context>
<context>
    <name>RoomDelegate</name>
    <message>
        <location filename="../../desktop/delegates/rooms.py" line="+95"/>
        <source>Muted</source>
        <translation>Notifications coupées</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Mentions only</source>
        <translation>Mentions uniquement</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Invitations</source>
        <translation>Invitations</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Direct messages</source>
        <translation>Messages directs</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rooms</source>
        <translation>Salons</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>External</source>
        <translation>Externe</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Invitation to a community</source>
        <translation>Invitation dans une communauté</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>You are invited to join</source>
        <translation>Invitation à rejoindre le salon</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{name}: {text}</source>
        <translation>{name}&#xa0;: {text}</translation>
    </message>
</context>
<context>
    <name>RoomHeader</name>
    <message>
        <location filename="../../desktop/views/room_header.py" line="+33"/>
        <source>Choose a room</source>
        <translation>Choisissez un salon</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>External participants from: {servers}</source>
        <translation>Participants externes venant de&#xa0;: {servers}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>End-to-end encrypted</source>
        <translation>Chiffré de bout en bout</translation>
    </message>
</context>
<context>
    <name>RoomListModel</name>
    <message>
        <location filename="../../desktop/models/rooms.py" line="+151"/>
        <source>direct message</source>
        <translation>message direct</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>invitation</source>
        <translation>invitation</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{n} mentions</source>
        <translation>{n} mentions</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{n} unread</source>
        <translation>{n} non lus</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>includes people from other organisations</source>
        <translation>comprend des personnes d’autres organisations</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>muted</source>
        <translation>notifications coupées</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>mentions only</source>
        <translation>mentions uniquement</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{name}: {text}</source>
        <translation>{name}&#xa0;: {text}</translation>
    </message>
</context>
<context>
    <name>RoomSwitcher</name>
    <message>
        <location filename="../../desktop/dialogs/switcher.py" line="+54"/>
        <source>Go to a room</source>
        <translation>Aller à un salon</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Room name…</source>
        <translation>Nom du salon…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Room to go to</source>
        <translation>Salon où aller</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Matching rooms</source>
        <translation>Salons correspondants</translation>
    </message>
</context>
<context>
    <name>SecretPrompt</name>
    <message>
        <location filename="../../desktop/dialogs/recovery.py" line="-82"/>
        <source>Nothing was entered.</source>
        <translation>Rien n’a été saisi.</translation>
    </message>
</context>
<context>
    <name>SecurityDialog</name>
    <message>
        <location filename="../../desktop/dialogs/security.py" line="+206"/>
        <source>Security</source>
        <translation>Sécurité</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recovery</source>
        <translation>Récupération</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Key backup</source>
        <translation>Sauvegarde des clés</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+8"/>
        <source>Your devices</source>
        <translation>Vos appareils</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>On this computer</source>
        <translation>Sur cet ordinateur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Set up recovery…</source>
        <translation>Configurer la récupération…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Restore with your recovery key…</source>
        <translation>Restaurer avec votre clé de récupération…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reset recovery…</source>
        <translation>Réinitialiser la récupération…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Verify</source>
        <translation>Vérifier</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rename…</source>
        <translation>Renommer…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign out…</source>
        <translation>Déconnecter…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Only send keys to verified devices</source>
        <translation>N’envoyer les clés qu’aux appareils vérifiés</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Your messages will not be readable on devices their owners have not verified (Element calls them insecure devices).</source>
        <translation>Vos messages ne seront pas lisibles sur les appareils que leurs propriétaires n’ont pas vérifiés (Element les appelle appareils non sécurisés).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Reading the security state…</source>
        <translation>Lecture de l’état de sécurité…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Recovery is set up and this device holds your identity: you can verify others and your history is kept in the key backup.</source>
        <translation>La récupération est configurée et cet appareil détient votre identité&#xa0;: vous pouvez vérifier d’autres personnes et votre historique est conservé dans la sauvegarde des clés.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Recovery is set up on another device. Enter your recovery key here to read your encrypted history and verify others from this device.</source>
        <translation>La récupération est configurée sur un autre appareil. Saisissez ici votre clé de récupération pour lire votre historique chiffré et vérifier d’autres personnes depuis cet appareil.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Recovery is not set up. Set it up to keep your encrypted history if you lose this device, and to verify the people you talk to.</source>
        <translation>La récupération n’est pas configurée. Configurez-la pour garder votre historique chiffré si vous perdez cet appareil, et pour vérifier vos interlocuteurs.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Room keys are not backed up: {reason}</source>
        <translation>Les clés des salons ne sont pas sauvegardées&#xa0;: {reason}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No key backup on this device yet.</source>
        <translation>Pas encore de sauvegarde des clés sur cet appareil.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Backup version {version}: {count} room keys backed up from here.</source>
        <translation>Sauvegarde version {version}&#xa0;: {count} clés de salon sauvegardées depuis cet appareil.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Your messages and keys on this computer are encrypted, with a key kept in the system keyring.</source>
        <translation>Vos messages et vos clés sur cet ordinateur sont chiffrés, avec une clé conservée dans le trousseau du système.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Your messages and keys on this computer are encrypted with your passphrase (no secure system keyring was found). Cercle asks for it at each start.</source>
        <translation>Vos messages et vos clés sur cet ordinateur sont chiffrés avec votre phrase secrète (aucun trousseau système sûr n’a été trouvé). Cercle la demande à chaque démarrage.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Setting up recovery…</source>
        <translation>Configuration de la récupération…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Reset recovery</source>
        <translation>Réinitialiser la récupération</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reset your identity and recovery?</source>
        <translation>Réinitialiser votre identité et votre récupération&#xa0;?</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Do this only if you lost your recovery key and have no other verified device. The people you talk to will be warned that your identity changed and will have to verify you again; messages kept only in the old key backup are lost.</source>
        <translation>Ne le faites que si vous avez perdu votre clé de récupération et n’avez aucun autre appareil vérifié. Vos interlocuteurs seront avertis que votre identité a changé et devront vous vérifier à nouveau&#xa0;; les messages conservés uniquement dans l’ancienne sauvegarde des clés seront perdus.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Reset</source>
        <translation>Réinitialiser</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Set up recovery</source>
        <translation>Configurer la récupération</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Your server asks for your account password to publish your new identity keys.</source>
        <translation>Votre serveur demande le mot de passe de votre compte pour publier vos nouvelles clés d’identité.</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+97"/>
        <source>Account password</source>
        <translation>Mot de passe du compte</translation>
    </message>
    <message>
        <location line="-63"/>
        <source>Restore recovery</source>
        <translation>Restaurer la récupération</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter the recovery key you saved when you set up recovery (in Cercle or Element): 48 letters and digits, spaces do not matter. A security phrase works too, if you chose one.</source>
        <translation>Saisissez la clé de récupération enregistrée lors de la configuration (dans Cercle ou Element)&#xa0;: 48 lettres et chiffres, les espaces ne comptent pas. Une phrase de sécurité convient aussi, si vous en avez choisi une.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Recovery key or security phrase</source>
        <translation>Clé de récupération ou phrase de sécurité</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Rename device</source>
        <translation>Renommer l’appareil</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name of {device}, as your other devices and contacts see it:</source>
        <translation>Nom de {device}, tel que le voient vos autres appareils et vos contacts&#xa0;:</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Sign out a device</source>
        <translation>Déconnecter un appareil</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{device} will be signed out and lose access to your messages. Your server asks for your account password.</source>
        <translation>{device} sera déconnecté et perdra l’accès à vos messages. Votre serveur demande le mot de passe de votre compte.</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>This is not a recovery key: check it for typos (it starts with “E” and has 48 characters).</source>
        <translation>Ce n’est pas une clé de récupération&#xa0;: vérifiez la saisie (elle commence par «&#xa0;E&#xa0;» et compte 48 caractères).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This recovery key does not open your account’s recovery. Is it the latest one?</source>
        <translation>Cette clé n’ouvre pas la récupération de votre compte. Est-ce bien la plus récente&#xa0;?</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This recovery key is an old one: your identity was reset since. Use the newest recovery key, or set up recovery again.</source>
        <translation>Cette clé de récupération est ancienne&#xa0;: votre identité a été réinitialisée depuis. Utilisez la clé la plus récente, ou configurez à nouveau la récupération.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Recovery is not set up for this account yet.</source>
        <translation>La récupération n’est pas encore configurée pour ce compte.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Wrong password. Try again.</source>
        <translation>Mot de passe incorrect. Réessayez.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Your server asks for your account password.</source>
        <translation>Votre serveur demande le mot de passe de votre compte.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Recovery was set up meanwhile on another device: restore it here with its key.</source>
        <translation>La récupération a été configurée entre-temps sur un autre appareil&#xa0;: restaurez-la ici avec sa clé.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Your server asks for a confirmation Cercle cannot give (single sign-on): set up recovery in Element, then restore it here.</source>
        <translation>Votre serveur demande une confirmation que Cercle ne peut pas donner (authentification unique)&#xa0;: configurez la récupération dans Element, puis restaurez-la ici.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cannot reach your server. Check your connection and try again.</source>
        <translation>Impossible de joindre votre serveur. Vérifiez votre connexion et réessayez.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The server refused: {reason}</source>
        <translation>Le serveur a refusé&#xa0;: {reason}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Something went wrong; the details are in the log.</source>
        <translation>Un problème est survenu&#xa0;; les détails sont dans le journal.</translation>
    </message>
</context>
<context>
    <name>SessionController</name>
    <message>
        <location filename="../../desktop/session.py" line="+113"/>
        <source>Wrong passphrase. Try again.</source>
        <translation>Phrase de passe incorrecte. Veuillez réessayer.</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+13"/>
        <source>Cercle&apos;s local data is not open yet.</source>
        <translation>Les données locales de Cercle ne sont pas encore ouvertes.</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>The server refused the single sign-on. Try again.</source>
        <translation>Le serveur a refusé l’authentification unique. Réessayez.</translation>
    </message>
    <message>
        <location line="+17"/>
        <location filename="../../desktop/tools/login_screens.py" line="+51"/>
        <source>Sign in again to continue. Your messages stay on this computer.</source>
        <translation>Reconnectez-vous pour continuer. Vos messages restent sur cet ordinateur.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This device was signed out by the server. Sign out and sign in again.</source>
        <translation>Cet appareil a été déconnecté par le serveur. Déconnectez-vous puis reconnectez-vous.</translation>
    </message>
    <message>
        <location line="+132"/>
        <source>Wrong user name or password.</source>
        <translation>Identifiant ou mot de passe incorrect.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cannot reach {server}. Check the address and your connection.</source>
        <translation>Impossible de joindre {server}. Vérifiez l’adresse et votre connexion.</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+50"/>
        <source>the homeserver</source>
        <translation>le serveur d’accueil</translation>
    </message>
    <message>
        <location line="-44"/>
        <source>The server refused: {reason}</source>
        <translation>Le serveur a refusé&#xa0;: {reason}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Something went wrong; the details are in the log.</source>
        <translation>Une erreur s’est produite. Les détails figurent dans le journal.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>This account was closed before the operation finished.</source>
        <translation>Ce compte a été fermé avant la fin de l’opération.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The charter was not recorded: only the community&apos;s managers publish a new version, and only its members can accept it.</source>
        <translation>La charte n’a pas été enregistrée&#xa0;: seuls les responsables de la communauté en publient une nouvelle version, et seuls ses membres peuvent l’accepter.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No role was changed: only a community manager can change roles.</source>
        <translation>Aucun rôle n’a été modifié&#xa0;: seul un responsable de la communauté peut changer les rôles.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Nothing was done: only the community&apos;s moderators can, and not against someone of equal or higher rank.</source>
        <translation>Rien n’a été fait&#xa0;: seuls les modérateurs de la communauté le peuvent, et pas envers quelqu’un de rang égal ou supérieur.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This space is not a Cercle community.</source>
        <translation>Cet espace n’est pas une communauté Cercle.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Write your user name as @name:example.com, or enter your homeserver&apos;s address.</source>
        <translation>Écrivez votre identifiant sous la forme @nom:example.com, ou saisissez l’adresse de votre serveur d’accueil.</translation>
    </message>
    <message>
        <location line="+4"/>
        <location filename="../../desktop/tools/login_screens.py" line="-12"/>
        <source>Could not find the homeserver of this user name. Enter its address (ask your IT team), or check your connection.</source>
        <translation>Impossible de trouver le serveur d’accueil de cet identifiant. Saisissez son adresse (demandez-la à votre service informatique), ou vérifiez votre connexion.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{server} does not answer as a Matrix homeserver. Check the address; the server may also be down.</source>
        <translation>{server} ne répond pas comme un serveur d’accueil Matrix. Vérifiez l’adresse&#xa0;; le serveur est peut-être aussi hors service.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Single sign-on did not come back from the browser in time. Try again.</source>
        <translation>Le navigateur n’a pas terminé l’authentification unique à temps. Réessayez.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This server does not offer single sign-on: sign in with a password.</source>
        <translation>Ce serveur ne propose pas l’authentification unique&#xa0;: connectez-vous avec un mot de passe.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The browser signed in another user. Sign in again as {user}.</source>
        <translation>Le navigateur a connecté un autre utilisateur. Reconnectez-vous en tant que {user}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Single sign-on did not finish in the browser. Try again.</source>
        <translation>L’authentification unique ne s’est pas terminée dans le navigateur. Réessayez.</translation>
    </message>
</context>
<context>
    <name>SidePanel</name>
    <message>
        <location filename="../../desktop/delegates/panels.py" line="+42"/>
        <source>External</source>
        <translation>Externe</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{n} replies</source>
        <translation>{n} réponses</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Unnamed file</source>
        <translation>Fichier sans nom</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>A message not loaded yet</source>
        <translation>Un message pas encore chargé</translation>
    </message>
    <message>
        <location filename="../../desktop/views/side_panel.py" line="+165"/>
        <location line="+18"/>
        <source>Room details</source>
        <translation>Détails du salon</translation>
    </message>
    <message>
        <location line="-16"/>
        <source>Members</source>
        <translation>Membres</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Threads</source>
        <translation>Fils</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Files</source>
        <translation>Fichiers</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pinned</source>
        <translation>Épinglés</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Nobody has joined this room yet.</source>
        <translation>Personne n’a encore rejoint ce salon.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No threads yet: reply in a thread to start one.</source>
        <translation>Aucun fil pour l’instant&#xa0;: répondez dans un fil pour en commencer un.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No files have been shared in this room.</source>
        <translation>Aucun fichier n’a été partagé dans ce salon.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No pinned messages in this room.</source>
        <translation>Aucun message épinglé dans ce salon.</translation>
    </message>
</context>
<context>
    <name>SpaceListModel</name>
    <message>
        <location filename="../../desktop/models/spaces.py" line="+47"/>
        <source>Home</source>
        <translation>Accueil</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Home: all your rooms and direct messages</source>
        <translation>Accueil&#xa0;: tous vos salons et messages directs</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{name}, in {community}</source>
        <translation>{name}, dans {community}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>internal community</source>
        <translation>communauté interne</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>partner community: people from other organisations take part</source>
        <translation>communauté partenaire&#xa0;: des personnes d’autres organisations y participent</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>public community</source>
        <translation>communauté publique</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{n} mentions</source>
        <translation>{n} mentions</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{n} unread</source>
        <translation>{n} non lus</translation>
    </message>
</context>
<context>
    <name>StartingView</name>
    <message>
        <location filename="../../desktop/views/main_window.py" line="-112"/>
        <location line="+9"/>
        <source>Progress</source>
        <translation>Progression</translation>
    </message>
</context>
<context>
    <name>SuggestionDelegate</name>
    <message>
        <location filename="../../desktop/views/completion.py" line="+60"/>
        <source>external · {server}</source>
        <translation>externe · {server}</translation>
    </message>
</context>
<context>
    <name>SuggestionModel</name>
    <message>
        <location filename="../../desktop/models/completion.py" line="+100"/>
        <source>{name}, {user_id}, external, from {server}</source>
        <translation>{name}, {user_id}, externe, de {server}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{name}, {user_id}</source>
        <translation>{name}, {user_id}</translation>
    </message>
</context>
<context>
    <name>ThreadListModel</name>
    <message>
        <location filename="../../desktop/models/panels.py" line="+35"/>
        <source>{name}: {text}, {n} replies, last {when}</source>
        <translation>{name}&#xa0;: {text}, {n} réponses, dernière {when}</translation>
    </message>
</context>
<context>
    <name>ThreadPanel</name>
    <message>
        <location filename="../../desktop/views/thread_panel.py" line="+63"/>
        <source>Thread</source>
        <translation>Fil</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>Close the thread</source>
        <translation>Fermer le fil</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reply in the thread…</source>
        <translation>Répondre dans le fil…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reply in the thread</source>
        <translation>Répondre dans le fil</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Send</source>
        <translation>Envoyer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Send in the thread</source>
        <translation>Envoyer dans le fil</translation>
    </message>
</context>
<context>
    <name>TimelineActions</name>
    <message>
        <location filename="../../desktop/views/timeline_actions.py" line="+121"/>
        <source>Image</source>
        <translation>Image</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This image cannot be shown.</source>
        <translation>Cette image ne peut pas être affichée.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Save the file</source>
        <translation>Enregistrer le fichier</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Saved to {path}</source>
        <translation>Enregistré dans {path}</translation>
    </message>
</context>
<context>
    <name>TimelineView</name>
    <message>
        <location filename="../../desktop/views/timeline.py" line="+143"/>
        <source>Messages</source>
        <translation>Messages</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>↑ Jump to first unread message</source>
        <translation>↑ Aller au premier message non lu</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Jump to first unread message</source>
        <translation>Aller au premier message non lu</translation>
    </message>
    <message>
        <location line="+173"/>
        <source>{name} is typing…</source>
        <translation>{name} est en train d’écrire…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{first} and {second} are typing…</source>
        <translation>{first} et {second} sont en train d’écrire…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Several people are typing…</source>
        <translation>Plusieurs personnes écrivent…</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Reply</source>
        <translation>Répondre</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Edit</source>
        <translation>Modifier</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Retry</source>
        <translation>Réessayer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discard</source>
        <translation>Abandonner</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <location filename="../../desktop/tray.py" line="+81"/>
        <source>Cercle: {count} unread</source>
        <translation>Cercle&#xa0;: {count} non lus</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Show Cercle</source>
        <translation>Afficher Cercle</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quit</source>
        <translation>Quitter</translation>
    </message>
</context>
<context>
    <name>Undecryptable</name>
    <message>
        <location filename="../../desktop/delegates/common.py" line="+176"/>
        <source>Encrypted message sent before you joined</source>
        <translation>Message chiffré envoyé avant votre arrivée</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Encrypted message: the sender did not share its key with you</source>
        <translation>Message chiffré&#xa0;: l’expéditeur ne vous a pas transmis sa clé</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Encrypted message: the sender shares keys only with verified devices</source>
        <translation>Message chiffré&#xa0;: l’expéditeur ne partage ses clés qu’avec les appareils vérifiés</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Encrypted message: the sender has blocked this device</source>
        <translation>Message chiffré&#xa0;: l’expéditeur a bloqué cet appareil</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Encrypted message: the sender’s device could not open a secure channel to this one</source>
        <translation>Message chiffré&#xa0;: l’appareil de l’expéditeur n’a pas pu ouvrir de canal sécurisé avec celui-ci</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Encrypted message from a device that is not verified</source>
        <translation>Message chiffré provenant d’un appareil non vérifié</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Encrypted message that cannot be read (malformed)</source>
        <translation>Message chiffré illisible (malformé)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Encrypted message: the key has not reached this device yet</source>
        <translation>Message chiffré&#xa0;: la clé n’est pas encore arrivée sur cet appareil</translation>
    </message>
</context>
<context>
    <name>UploadList</name>
    <message>
        <location filename="../../desktop/views/uploads.py" line="+63"/>
        <source>Dismiss</source>
        <translation>Retirer</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Dismiss {name}</source>
        <translation>Retirer {name}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel sending {name}</source>
        <translation>Annuler l’envoi de {name}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sending {name}</source>
        <translation>Envoi de {name}</translation>
    </message>
</context>
<context>
    <name>VerificationDialog</name>
    <message>
        <location filename="../../desktop/dialogs/verification.py" line="+260"/>
        <source>Verification</source>
        <translation>Vérification</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Accept</source>
        <translation>Accepter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Decline</source>
        <translation>Refuser</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>They match</source>
        <translation>Ils correspondent</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>They don’t match</source>
        <translation>Ils ne correspondent pas</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting</source>
        <translation>En attente</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Another of your devices wants to verify this one</source>
        <translation>Un autre de vos appareils veut vérifier celui-ci</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Verify it if you just signed in there: it will then read your encrypted messages. If it is not you, decline.</source>
        <translation>Vérifiez-le si vous venez de vous y connecter&#xa0;: il pourra alors lire vos messages chiffrés. Si ce n’est pas vous, refusez.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{user} wants to verify</source>
        <translation>{user} veut effectuer une vérification</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>You will both compare emoji on your screens to be sure you talk to each other and nobody else.</source>
        <translation>Vous allez comparer des émojis sur vos écrans pour être sûrs de vous parler l’un à l’autre et à personne d’autre.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Waiting for {user} to accept…</source>
        <translation>En attente de l’acceptation de {user}…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Exchanging keys…</source>
        <translation>Échange des clés…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting for {user} to confirm…</source>
        <translation>En attente de la confirmation de {user}…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Check that {user} sees the same emoji, in the same order. Compare in person or on a call, not in a message.</source>
        <translation>Vérifiez que {user} voit les mêmes émojis, dans le même ordre. Comparez en personne ou par téléphone, pas par message.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The emoji matched, but nothing was recorded</source>
        <translation>Les émojis correspondaient, mais rien n’a été enregistré</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Verified</source>
        <translation>Vérifié</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not verified</source>
        <translation>Non vérifié</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Verify your other device</source>
        <translation>Vérifier votre autre appareil</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Verify {user}</source>
        <translation>Vérifier {user}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>your other device</source>
        <translation>votre autre appareil</translation>
    </message>
</context>
<context>
    <name>VerificationRun</name>
    <message>
        <location filename="../../desktop/trust.py" line="+184"/>
        <location line="+41"/>
        <source>Verification cancelled.</source>
        <translation>Vérification annulée.</translation>
    </message>
    <message>
        <location line="-31"/>
        <source>The emoji matched, but this verification could not be recorded: set up or restore recovery in the security settings, then verify again.</source>
        <translation>Les émojis correspondaient, mais cette vérification n’a pas pu être enregistrée&#xa0;: configurez ou restaurez la récupération dans les paramètres de sécurité, puis vérifiez à nouveau.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Your other device is verified.</source>
        <translation>Votre autre appareil est vérifié.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{user} is verified.</source>
        <translation>{user} est vérifié(e).</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The verification failed: {reason}</source>
        <translation>La vérification a échoué&#xa0;: {reason}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The verification timed out. Start again when you are both ready.</source>
        <translation>La vérification a expiré. Recommencez quand vous serez prêts tous les deux.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>You said the emoji do not match: nobody was verified. If this happens again, someone may be intercepting your conversation.</source>
        <translation>Vous avez indiqué que les émojis ne correspondent pas&#xa0;: personne n’a été vérifié. Si cela se reproduit, quelqu’un intercepte peut-être votre conversation.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The other side said the emoji do not match: nobody was verified.</source>
        <translation>L’autre personne a indiqué que les émojis ne correspondent pas&#xa0;: personne n’a été vérifié.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The other side cancelled the verification.</source>
        <translation>L’autre personne a annulé la vérification.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The verification was answered on another of your devices.</source>
        <translation>La vérification a reçu une réponse sur un autre de vos appareils.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The verification stopped: {reason}</source>
        <translation>La vérification s’est arrêtée&#xa0;: {reason}</translation>
    </message>
</context>
<context>
    <name>dialog</name>
    <message>
        <location filename="../../desktop/tools/screenshots.py" line="+168"/>
        <source>Your name is now {name}.</source>
        <translation>Votre nom est désormais {name}.</translation>
    </message>
</context>
</TS>
