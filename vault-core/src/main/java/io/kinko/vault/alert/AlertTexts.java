package io.kinko.vault.alert;

import io.kinko.vault.IncidentRule;

/**
 * The fixed text of each incident rule in Japanese and English: a title, what it means and what
 * the privacy manager (保護管理者) should do. Fixed on purpose: an alert carries no text from the
 * entry, so nothing a user typed or a file was called can reach a receiver.
 */
final class AlertTexts {
  private AlertTexts() {}

  private static final String KEEP = "Keep the vault as it is (do not repair or restore yet), run kinko log verify and kinko audit, "
      + "and report to the city at once (clause 6).";
  private static final String KEEP_JA = "金庫をそのまま保全し(修復・復元はまだしない)、kinko log verify と kinko audit を実行し、"
      + "直ちに委託元(市)へ報告してください(第6項)。";

  static String title(IncidentRule rule, boolean ja) {
    return switch (rule) {
      case INTEGRITY_BLOB -> ja ? "保管ファイルの改ざん・破損" : "a stored file failed its integrity check";
      case INTEGRITY_DESCRIPTOR -> ja ? "金庫設定(kinko.json)の改ざん" : "the vault's descriptor was edited";
      case INTEGRITY_STATE -> ja ? "利用者・権限・ファイル情報の改ざん" : "users, grants or file records were edited outside Kinko";
      case INTEGRITY_LOG -> ja ? "アクセスログの改ざん・破損" : "the access log failed to verify";
      case INTEGRITY_CHECKPOINT -> ja ? "署名済みチェックポイントとの不一致" : "the log disagrees with a signed checkpoint";
      case INTEGRITY_ROLLBACK -> ja ? "データベースの巻き戻し" : "the database was rolled back";
      case INTEGRITY_OTHER -> ja ? "完全性検査の失敗" : "an integrity check failed";
      case INTEGRITY_KEYS -> ja ? "鍵スロットの破損または偽造" : "a key slot is damaged or crafted";
      case AUTH_LOCKOUT -> ja ? "アカウントのロック" : "an account was locked by failed logins";
      case AUTH_FAILED_LOGINS -> ja ? "ログイン失敗の多発" : "many failed logins for one user";
      case AUTH_UNKNOWN_USERS -> ja ? "存在しない利用者名でのログイン試行" : "failed logins for unknown user names";
      case ACCESS_DENIED_BURST -> ja ? "拒否された操作の多発" : "a burst of denied operations";
      case ACCESS_MASS_READ -> ja ? "大量の読み出し" : "mass reading of files";
      case ACCESS_OFF_HOURS -> ja ? "業務時間外の操作" : "an operation outside working hours";
      case TRANSFER_EXPORT -> ja ? "データの持ち出し(エクスポート)" : "data left the vault in a transport package";
      case DISPOSAL -> ja ? "金庫の廃棄" : "the vault was disposed of";
      case RECOVERY -> ja ? "復旧鍵の使用" : "a recovery key was used";
    };
  }

  /** The rules whose meaning and advice are the same. */
  private enum Group { INTEGRITY, LOGIN, CONDUCT, EXPORT, DISPOSAL, RECOVERY }

  private static Group group(IncidentRule rule) {
    return switch (rule) {
      case INTEGRITY_BLOB, INTEGRITY_DESCRIPTOR, INTEGRITY_STATE, INTEGRITY_LOG, INTEGRITY_CHECKPOINT, INTEGRITY_ROLLBACK, INTEGRITY_OTHER,
          INTEGRITY_KEYS ->
          Group.INTEGRITY;
      case AUTH_LOCKOUT, AUTH_FAILED_LOGINS, AUTH_UNKNOWN_USERS -> Group.LOGIN;
      case ACCESS_DENIED_BURST, ACCESS_MASS_READ, ACCESS_OFF_HOURS -> Group.CONDUCT;
      case TRANSFER_EXPORT -> Group.EXPORT;
      case DISPOSAL -> Group.DISPOSAL;
      case RECOVERY -> Group.RECOVERY;
    };
  }

  static String meaning(IncidentRule rule, boolean ja) {
    return switch (group(rule)) {
      case INTEGRITY -> ja
          ? "金庫の内容が Kinko 以外の手段で変更されたか、媒体が破損した可能性があります。該当データは提供されていません。"
          : "Something in the vault was changed by other means than Kinko, or its storage is damaged. Kinko refused to serve the affected data.";
      case LOGIN -> ja ? "パスワードの推測など、不正ログインの試みの可能性があります。" : "Someone may be trying to guess a password or an account name.";
      case CONDUCT -> ja
          ? "従業者による取扱規則違反、または認証情報の不正利用の可能性があります。"
          : "A worker may be breaking the handling rules, or someone may be using a worker's credentials.";
      case EXPORT -> ja ? "個人情報を含むデータが金庫外へ持ち出されました(第7項)。" : "Data that may hold personal information was carried out of the vault (clause 7).";
      case DISPOSAL -> ja ? "金庫の全データが暗号消去されました。" : "Every file of the vault was crypto-erased.";
      case RECOVERY -> ja ? "復旧鍵で管理者のパスワードが再設定されました。" : "An administrator's password was set with the recovery key.";
    };
  }

  static String todo(IncidentRule rule, boolean ja) {
    return switch (group(rule)) {
      case INTEGRITY -> ja ? KEEP_JA : KEEP;
      case LOGIN -> ja
          ? "本人に確認し、心当たりがなければパスワードを変更させ、kinko log show で発生元を確認してください。"
          : "Ask the user; if it was not them, have the password changed and find the source with kinko log show.";
      case CONDUCT -> ja
          ? "本人と上長に業務上の理由を確認し、理由がなければアカウントをロック(kinko user lock)して市へ報告してください。"
          : "Ask the worker and their manager for the business reason; without one, lock the account (kinko user lock) and report to the city.";
      case EXPORT -> ja ? "持ち出しが承認されたものか確認してください。" : "Check that the export was approved.";
      case DISPOSAL -> ja ? "廃棄が計画どおりか確認し、消去証明書を保管してください。" : "Check that the disposal was planned, and keep its certificate.";
      case RECOVERY -> ja ? "復旧が正当なものか確認し、復旧鍵を再発行してください。" : "Check that the recovery was legitimate, and issue a new recovery key.";
    };
  }
}
